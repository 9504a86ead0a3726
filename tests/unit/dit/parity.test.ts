/**
 * Parity with the independent PyTorch implementation (tests/reference/dit_reference.py): same fixed
 * weights and inputs, outputs, traces and gradients compared at 1e-4.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { readFileSync } from 'node:fs';
import { tf } from '@/lib/tf';
import { setNodeBackend } from '@/lib/node-backend';
import { DiT } from '@/lib/dit/model';
import { CONDITIONINGS, type DiTConfig } from '@/lib/dit/config';
import { fixedValues, amplitudeFor } from './fixed-weights';

interface Arr {
  shape: number[];
  data: number[];
}
interface Golden {
  config: DiTConfig;
  stateDictShapes: Record<string, number[]>;
  inputs: { t: number[]; y: number[] };
  checkValues: Record<string, number[]>;
  output: Arr;
  trace: Record<'tokens' | 'tEmb' | 'yEmb' | 'c', Arr>;
  blocks: Record<string, Arr>[];
  loss: { value: number };
  grads: Record<string, Arr>;
}

const TOL = Number(process.env.PARITY_TOL ?? 1e-4);

function maxErr(actual: ArrayLike<number>, expected: number[]): number {
  expect(actual.length).toBe(expected.length);
  let m = 0;
  for (let i = 0; i < expected.length; i++) m = Math.max(m, Math.abs(actual[i] - expected[i]) / Math.max(1, Math.abs(expected[i])));
  return m;
}

export function loadFixedModel(g: Golden): DiT {
  const model = new DiT(g.config, 0);
  const sd: Record<string, tf.Tensor> = {};
  for (const [name, v] of Object.entries(model.stateDict())) {
    sd[name] = name === 'pos_embed' ? v : tf.tensor(fixedValues(name, v.shape, amplitudeFor(name, v.shape)), v.shape);
  }
  model.loadStateDict(sd);
  for (const [name, t] of Object.entries(sd)) if (name !== 'pos_embed') t.dispose();
  return model;
}

describe('parity with the PyTorch reference', () => {
  beforeAll(async () => {
    await setNodeBackend('wasm');
  });

  for (const kind of CONDITIONINGS) {
    it(`${kind}: output, traces and gradients match PyTorch within ${TOL}`, () => {
      const g = JSON.parse(readFileSync(`tests/reference/golden/dit-${kind}.json`, 'utf8')) as Golden;
      const model = loadFixedModel(g);
      try {
        // Same names and PyTorch shapes as the reference state_dict.
        const ours = Object.fromEntries(Object.entries(model.stateDict()).map(([k, v]) => [k, v.shape]));
        expect(ours).toEqual(g.stateDictShapes);
        expect(maxErr(model.stateDict()['blocks.0.attn.qkv.weight'].dataSync().slice(0, 4), g.checkValues['blocks.0.attn.qkv.weight[:4]'])).toBeLessThan(1e-7);
        expect(maxErr(model.stateDict()['pos_embed'].dataSync().slice(32, 36), g.checkValues['pos_embed[0, 1, :4]'])).toBeLessThan(1e-7);

        const { inChannels: C, inputSize: I } = g.config;
        const N = g.inputs.t.length;
        const x = tf.tensor4d(fixedValues('input.x', [N, I, I, C], 1.5), [N, I, I, C]);
        const t = tf.tensor1d(g.inputs.t);
        const y = tf.tensor1d(g.inputs.y, 'int32');
        const { out, trace } = model.forwardWithTrace(x, t, y);
        const outNCHW = tf.transpose(out, [0, 3, 1, 2]);
        expect(outNCHW.shape).toEqual(g.output.shape);
        expect(maxErr(outNCHW.dataSync(), g.output.data)).toBeLessThan(TOL);
        for (const k of ['tokens', 'tEmb', 'yEmb', 'c'] as const) {
          expect(trace[k].shape).toEqual(g.trace[k].shape);
          expect(maxErr(trace[k].dataSync(), g.trace[k].data), k).toBeLessThan(TOL);
        }
        expect(trace.blocks).toHaveLength(g.blocks.length);
        g.blocks.forEach((rec, i) => {
          const ourKeys = Object.keys(trace.blocks[i]).filter((k) => k !== 'out' && trace.blocks[i][k as 'attn']);
          expect(Object.keys(rec).sort()).toEqual(ourKeys.sort());
          for (const [k, a] of Object.entries(rec)) {
            const ours = trace.blocks[i][k as keyof (typeof trace.blocks)[number]] as tf.Tensor;
            expect(ours.shape, `block ${i} ${k}`).toEqual(a.shape);
            expect(maxErr(ours.dataSync(), a.data), `block ${i} ${k}`).toBeLessThan(TOL);
          }
        });

        // Gradients of loss = sum(out_NCHW * R) with respect to a few parameters.
        const R = tf.tensor(fixedValues('loss.weights', g.output.shape, 1), g.output.shape);
        const sd = model.stateDict();
        const vars = Object.keys(g.grads).map((k) => sd[k]);
        const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(tf.transpose(model.forward(x, t, y), [0, 3, 1, 2]), R)) as tf.Scalar, vars);
        expect(Math.abs(value.dataSync()[0] - g.loss.value) / Math.abs(g.loss.value)).toBeLessThan(TOL);
        for (const [k, a] of Object.entries(g.grads)) {
          expect(grads[sd[k].name].shape).toEqual(a.shape);
          expect(maxErr(grads[sd[k].name].dataSync(), a.data), `grad ${k}`).toBeLessThan(TOL);
        }
        tf.dispose([x, t, y, out, trace as unknown as tf.TensorContainer, outNCHW, R, value, grads]);
      } finally {
        model.dispose();
      }
    });
  }
});
