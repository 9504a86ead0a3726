/**
 * The diffusion code against the real network (lib/dit/model.ts) through the model-function
 * interface only: NHWC in, (N, H, W, 2C) out, int32 original timesteps and labels. lib/diffusion
 * itself never imports lib/dit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '@/lib/tf';
import { setNodeBackend } from '@/lib/node-backend';
import { DiT } from '@/lib/dit/model';
import type { DiffusionModelFn } from '@/lib/diffusion/gaussian-diffusion';
import { createDiffusion } from '@/lib/diffusion/respace';
import { sampleLatents, fnSamplerModel } from './helpers';
import { betaSchedule } from '@/lib/diffusion/schedules';
import { arr, randTensor } from './helpers';
import { microConfig } from '../dit/fixed-weights';

const config = microConfig({ depth: 1, conditioning: 'adaLN' });
let dit: DiT;

beforeAll(async () => {
  await setNodeBackend('wasm');
  dit = new DiT(config, 1);
});
afterAll(() => dit.dispose());

describe('diffusion with the DiT network', () => {
  it('l-hybrid: trainingLosses gives finite gradients for every trainable weight, without leaks', () => {
    const d = createDiffusion({});
    const model: DiffusionModelFn = (x, t, y) => dit.forward(x, t, y, { train: true });
    const x0 = randTensor([2, 4, 4, 4], 1, 0.5);
    const noise = randTensor([2, 4, 4, 4], 2);
    const before = tf.memory().numTensors;
    const { value, grads } = tf.variableGrads(() => tf.mean(d.trainingLosses(model, x0, [0, 700], [1, 2], noise).loss) as tf.Scalar, dit.trainableVariables);
    expect(Number.isFinite(arr(value)[0])).toBe(true);
    const names = Object.keys(grads);
    expect(names.length).toBe(dit.trainableVariables.length);
    for (const n of names) expect(arr(grads[n]).every(Number.isFinite), n).toBe(true);
    tf.dispose([value, ...Object.values(grads)]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x0, noise]);
  });

  it('cfg, ddim-step: a guided DDIM run over 4 respaced steps returns a finite (N, H, W, C) sample', async () => {
    const before = tf.memory().numTensors;
    const model: DiffusionModelFn = (x, t, y) => dit.forward(x, t, y);
    const road = fnSamplerModel(model, betaSchedule('linear', 1000), [2, 4, 4, 4], { numClasses: 3 });
    const { sample } = await sampleLatents(road, {
      sampler: 'ddim',
      steps: 4,
      eta: 0,
      labels: [0, 2],
      seeds: [1, 2],
      guidanceScale: 3,
      cfgChannels: 'first3',
    });
    expect(sample.shape).toEqual([2, 4, 4, 4]);
    expect(arr(sample).every(Number.isFinite)).toBe(true);
    sample.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
