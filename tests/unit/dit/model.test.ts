import { describe, it, expect, beforeAll } from 'vitest';
import { tf } from '@/lib/tf';
import { setNodeBackend } from '@/lib/node-backend';
import { DiT } from '@/lib/dit/model';
import { CONDITIONINGS, getPreset, DEFAULT_MINI, type Conditioning } from '@/lib/dit/config';
import { params } from '@/lib/dit/flops';
import { get2dSinCosPosEmbed } from '@/lib/dit/embeddings';
import { fixedValues, amplitudeFor, TINY, tinyInputs } from './fixed-weights';

const inputs = (n = 3, seed = 1) => tinyInputs(n, seed);

/** Every weight set to fixed non-zero values, so no branch is silenced by zero initialisation. */
function fixedModel(conditioning: Conditioning): DiT {
  const m = new DiT({ ...TINY, conditioning });
  const sd: Record<string, tf.Tensor> = {};
  for (const [k, v] of Object.entries(m.stateDict())) if (k !== 'pos_embed') sd[k] = tf.tensor(fixedValues(k, v.shape, amplitudeFor(k, v.shape)), v.shape);
  sd.pos_embed = m.stateDict().pos_embed;
  m.loadStateDict(sd);
  for (const [k, t] of Object.entries(sd)) if (k !== 'pos_embed') t.dispose();
  return m;
}

beforeAll(async () => {
  await setNodeBackend('wasm');
});

describe('DiT model', () => {
  it('has PyTorch names and shapes and the counted number of parameters, for every conditioning', () => {
    for (const conditioning of CONDITIONINGS) {
      const c = { ...TINY, conditioning };
      const m = new DiT(c);
      const sd = m.stateDict();
      expect(sd['x_embedder.proj.weight'].shape).toEqual([32, 4, 2, 2]);
      expect(sd['final_layer.linear.weight'].shape).toEqual([2 * 2 * 8, 32]);
      expect(sd['y_embedder.embedding_table.weight'].shape).toEqual([11, 32]);
      const n = m.trainableVariables.reduce((a, v) => a + v.size, 0);
      expect(n).toBe(params(c));
      expect('blocks.1.adaLN_modulation.1.weight' in sd).toBe(conditioning.startsWith('adaLN'));
      expect('blocks.1.cross_attn.kv.weight' in sd).toBe(conditioning === 'cross-attention');
      m.dispose();
    }
    const mini = new DiT(getPreset(DEFAULT_MINI));
    expect(mini.trainableVariables.reduce((a, v) => a + v.size, 0)).toBe(1_871_136);
    mini.dispose();
  });

  it('initialises like models.py initialize_weights (seeded)', () => {
    const m = new DiT(getPreset(DEFAULT_MINI), 3);
    const sd = m.stateDict();
    const stats = (name: string) => {
      const d = sd[name].dataSync();
      let s = 0,
        s2 = 0,
        mx = 0;
      for (const v of d) {
        s += v;
        s2 += v * v;
        mx = Math.max(mx, Math.abs(v));
      }
      return { mean: s / d.length, std: Math.sqrt(s2 / d.length - (s / d.length) ** 2), max: mx };
    };
    // Xavier-uniform: U(-b, b), b = sqrt(6 / (fan_in + fan_out)), std b / sqrt(3).
    const b = Math.sqrt(6 / (128 + 384));
    const qkv = stats('blocks.0.attn.qkv.weight');
    expect(qkv.max).toBeLessThanOrEqual(b);
    expect(Math.abs(qkv.std / (b / Math.sqrt(3)) - 1)).toBeLessThan(0.02);
    const bp = Math.sqrt(6 / (16 + 128)); // patch embedding viewed as a (D, C p p) linear
    expect(stats('x_embedder.proj.weight').max).toBeLessThanOrEqual(bp);
    expect(stats('x_embedder.proj.weight').max).toBeGreaterThan(0.8 * bp);
    for (const k of ['y_embedder.embedding_table.weight', 't_embedder.mlp.0.weight', 't_embedder.mlp.2.weight']) {
      expect(Math.abs(stats(k).std / 0.02 - 1)).toBeLessThan(0.1);
    }
    for (const k of [
      'blocks.0.attn.qkv.bias',
      'blocks.5.mlp.fc2.bias',
      't_embedder.mlp.0.bias',
      'x_embedder.proj.bias',
      'blocks.0.adaLN_modulation.1.weight',
      'blocks.5.adaLN_modulation.1.bias',
      'final_layer.adaLN_modulation.1.weight',
      'final_layer.linear.weight',
      'final_layer.linear.bias',
    ])
      expect(stats(k).max, k).toBe(0);
    expect(Array.from(sd.pos_embed.dataSync())).toEqual(Array.from(get2dSinCosPosEmbed(128, 4)));
    expect(sd.pos_embed.trainable).toBe(false);
    const again = new DiT(getPreset(DEFAULT_MINI), 3);
    const other = new DiT(getPreset(DEFAULT_MINI), 4);
    expect(Array.from(again.stateDict()['blocks.2.mlp.fc1.weight'].dataSync())).toEqual(Array.from(sd['blocks.2.mlp.fc1.weight'].dataSync()));
    expect(Array.from(other.stateDict()['blocks.2.mlp.fc1.weight'].dataSync())).not.toEqual(Array.from(sd['blocks.2.mlp.fc1.weight'].dataSync()));
    // Only adaLN-Zero zero-initialises the modulation.
    const ada = new DiT({ ...getPreset(DEFAULT_MINI), conditioning: 'adaLN' }, 3);
    expect(
      ada
        .stateDict()
        ['blocks.0.adaLN_modulation.1.weight'].dataSync()
        .some((v) => v !== 0),
    ).toBe(true);
    [m, again, other, ada].forEach((x) => x.dispose());
  });

  it('adaln-zero: every block is the identity at initialisation and the output is zero', () => {
    const m = new DiT(TINY, 5);
    const { x, t, y } = inputs();
    const { out, trace } = m.forwardWithTrace(x, t, y);
    const tokens = Array.from(trace.tokens.dataSync());
    for (const b of trace.blocks) {
      expect(Array.from(b.out.dataSync())).toEqual(tokens);
      for (const g of [b.gateMsa!, b.gateMlp!, b.shiftMsa!, b.scaleMlp!]) expect(g.dataSync().every((v) => v === 0)).toBe(true);
    }
    expect(Array.from(trace.final.dataSync())).toEqual(tokens);
    expect(out.dataSync().every((v) => v === 0)).toBe(true);
    // ... and not the identity once the modulation is non-zero (the test can fail).
    const f = fixedModel('adaLN-Zero');
    const r = f.forwardWithTrace(x, t, y);
    expect(Array.from(r.trace.blocks[0].out.dataSync())).not.toEqual(Array.from(r.trace.tokens.dataSync()));
    tf.dispose([x, t, y, out, trace as never, r as never]);
    m.dispose();
    f.dispose();
  });

  it('gives NHWC outputs and traces of the documented shapes for every conditioning and p = 1, 2, 4', () => {
    const { x, t, y } = inputs(2);
    for (const conditioning of CONDITIONINGS)
      for (const p of [1, 2, 4]) {
        const m = new DiT({ ...TINY, conditioning, patchSize: p, learnSigma: p !== 4 });
        const T = (8 / p) ** 2;
        const Tb = conditioning === 'in-context' ? T + 2 : T;
        const { out, trace } = m.forwardWithTrace(x, t, y);
        expect(out.shape).toEqual([2, 8, 8, p !== 4 ? 8 : 4]);
        expect(trace.patches.shape).toEqual([2, T, 4 * p * p]);
        expect(trace.tokens.shape).toEqual([2, T, 32]);
        expect(trace.c.shape).toEqual([2, 32]);
        expect(trace.final.shape).toEqual([2, T, 32]);
        expect(trace.blocks[1].attn.shape).toEqual([2, 4, Tb, Tb]);
        expect(trace.blocks[1].out.shape).toEqual([2, Tb, 32]);
        const sums = tf.sum(trace.blocks[0].attn, -1).dataSync();
        expect(sums.every((s) => Math.abs(s - 1) < 1e-5)).toBe(true);
        if (conditioning === 'cross-attention') expect(trace.blocks[0].crossAttn!.shape).toEqual([2, 4, T, 2]);
        if (conditioning === 'adaLN-Zero') expect(trace.blocks[0].gateMsa!.shape).toEqual([2, 32]);
        if (conditioning === 'adaLN') expect(trace.blocks[0].gateMsa).toBeUndefined();
        if (conditioning.startsWith('adaLN')) expect(trace.finalScale!.shape).toEqual([2, 32]);
        tf.dispose([out, trace as never]);
        m.dispose();
      }
    tf.dispose([x, t, y]);
  });

  it('label dropout: forced drops equal the null class, training mode drops some labels, eval drops none', () => {
    const m = fixedModel('adaLN-Zero');
    const { x, t } = inputs(3);
    const y = tf.tensor1d([1, 2, 3], 'int32');
    const yNull = tf.tensor1d([10, 2, 10], 'int32');
    const force = tf.tensor1d([1, 0, 1], 'bool');
    const a = m.forward(x, t, y, { forceDropIds: force });
    const b = m.forward(x, t, yNull);
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    const n = 400;
    const xs = tf.zeros([n, 8, 8, 4]);
    const ts = tf.fill([n], 10);
    const ys = tf.fill([n], 4, 'int32');
    const ref = m.forward(xs, ts, ys);
    const train = m.forward(xs, ts, ys, { train: true });
    const differs = tf.any(tf.notEqual(tf.reshape(ref, [n, -1]), tf.reshape(train, [n, -1])), 1);
    const frac = tf.mean(tf.cast(differs, 'float32')).dataSync()[0];
    expect(frac).toBeGreaterThan(0.05);
    expect(frac).toBeLessThan(0.16);
    tf.dispose([x, t, y, yNull, force, a, b, xs, ts, ys, ref, train, differs]);
    m.dispose();
  });

  it('gradient check: autodiff matches central finite differences on a tiny model, every conditioning', () => {
    for (const conditioning of CONDITIONINGS) {
      const m = fixedModel(conditioning);
      const { x, t, y } = inputs(2, 9);
      const r = tf.randomNormal([2, 8, 8, 8], 0, 1, 'float32', 10);
      const loss = () => tf.tidy(() => tf.sum(tf.mul(m.forward(x, t, y), r))) as tf.Scalar;
      const sd = m.stateDict();
      const names = [
        'x_embedder.proj.weight',
        't_embedder.mlp.0.weight',
        'y_embedder.embedding_table.weight',
        'blocks.0.attn.qkv.weight',
        'blocks.1.mlp.fc1.bias',
        'final_layer.linear.weight',
        ...(conditioning.startsWith('adaLN') ? ['blocks.0.adaLN_modulation.1.weight'] : []),
        ...(conditioning === 'cross-attention' ? ['blocks.1.cross_attn.kv.weight'] : []),
      ];
      const { grads, value } = tf.variableGrads(
        loss,
        names.map((k) => sd[k]),
      );
      for (const [j, k] of names.entries()) {
        const v = sd[k];
        const g = grads[v.name].dataSync();
        const flat = v.dataSync().slice();
        // The coordinate with the largest gradient (well above float32 noise) and one fixed index;
        // for the label table, row 3 (a label in the batch).
        let i0 = 0;
        for (let i = 1; i < g.length; i++) if (Math.abs(g[i]) > Math.abs(g[i0])) i0 = i;
        const i1 = k.startsWith('y_embedder') ? 3 * 32 + 5 : (j * 7919) % g.length;
        for (const i of [i0, i1]) {
          const eps = 1e-2;
          const at = (d: number) => {
            const f = flat.slice();
            f[i] += d;
            v.assign(tf.tensor(f, v.shape));
            const l = loss();
            const s = l.dataSync()[0];
            l.dispose();
            return s;
          };
          const fd = (at(eps) - at(-eps)) / (2 * eps);
          v.assign(tf.tensor(flat, v.shape));
          expect(Math.abs(fd - g[i]), `${conditioning} ${k}[${i}]: fd ${fd} vs grad ${g[i]}`).toBeLessThan(2e-2 * Math.abs(g[i]) + 2e-3);
        }
      }
      tf.dispose([x, t, y, r, value, grads]);
      m.dispose();
    }
  });

  it("gradient: the depthwise attention kernel (wasm default) gives the batched matmul's gradients, every conditioning", () => {
    for (const conditioning of CONDITIONINGS) {
      const m = fixedModel(conditioning);
      const { x, t, y } = inputs(2, 4);
      const r = tf.randomNormal([2, 8, 8, 8], 0, 1, 'float32', 5);
      const grads = (kernel: 'depthwise' | 'batched-matmul') => {
        m.attention = kernel;
        const { value, grads } = tf.variableGrads(() => tf.tidy(() => tf.sum(tf.mul(m.forward(x, t, y), r))) as tf.Scalar, m.trainableVariables);
        value.dispose();
        return grads;
      };
      const ref = grads('batched-matmul');
      const got = grads('depthwise');
      for (const [name, g] of Object.entries(ref)) {
        const scale = Math.max(1e-3, ...Array.from(tf.abs(g).dataSync()));
        const diff = Math.max(...Array.from(tf.abs(tf.sub(g, got[name])).dataSync()));
        expect(diff / scale, `${conditioning} ${name}`).toBeLessThan(1e-4);
      }
      tf.dispose([x, t, y, r, ref, got]);
      m.dispose();
    }
  });

  it('rejects wrong inputs and wrong state dicts with messages that name the problem', () => {
    const m = new DiT(TINY);
    const { x, t, y } = inputs(3);
    const nchw = tf.zeros([3, 4, 8, 8]);
    expect(() => m.forward(nchw, t, y)).toThrow(/x must be NHWC \(N, 8, 8, 4\); got \(3, 4, 8, 8\)/);
    expect(() => m.forward(x, tf.zeros([2]), y)).toThrow(/t and y must be \(N\)/);
    const sd: Record<string, tf.Tensor> = { ...m.stateDict() };
    delete sd['blocks.1.mlp.fc2.bias'];
    sd['blocks.0.attn.qkv.weight'] = tf.zeros([32, 96]);
    sd['extra.weight'] = tf.zeros([1]);
    expect(() => m.loadStateDict(sd)).toThrow(/missing 'blocks.1.mlp.fc2.bias' \(32\)/);
    expect(() => m.loadStateDict(sd)).toThrow(/'blocks.0.attn.qkv.weight' has shape \(32, 96\), expected \(96, 32\)/);
    expect(() => m.loadStateDict(sd)).toThrow(/unexpected 'extra.weight'/);
    tf.dispose([x, t, y, nchw, sd['blocks.0.attn.qkv.weight'], sd['extra.weight']]);
    m.dispose();
  });
});

describe('DiT leaks: tf.memory().numTensors is unchanged by every entry point', () => {
  it('constructor + dispose, forward, forwardWithTrace, train-mode forward, loadStateDict, gradient step', () => {
    const before = tf.memory().numTensors;
    for (const conditioning of CONDITIONINGS) {
      const m = new DiT({ ...TINY, conditioning });
      const { x, t, y } = inputs(2);
      const inner = tf.memory().numTensors;
      m.forward(x, t, y).dispose();
      m.forward(x, t, y, { train: true }).dispose();
      tf.dispose(m.forwardWithTrace(x, t, y) as never);
      const copy: Record<string, tf.Tensor> = {};
      for (const [k, v] of Object.entries(m.stateDict())) copy[k] = v.clone();
      m.loadStateDict(copy);
      tf.dispose(Object.values(copy));
      const opt = tf.train.adam(1e-3);
      const cost = opt.minimize(() => tf.mean(tf.square(m.forward(x, t, y, { train: true }))) as tf.Scalar, true, m.trainableVariables);
      cost?.dispose();
      opt.dispose();
      expect(tf.memory().numTensors).toBe(inner);
      tf.dispose([x, t, y]);
      m.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
