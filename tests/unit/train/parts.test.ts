import { describe, it, expect, beforeAll } from 'vitest';
import { tf } from '@/lib/tf';
import { setNodeBackend } from '@/lib/node-backend';
import { EpochSampler } from '@/lib/train/sampler';
import { TrainRng } from '@/lib/train/rng';
import { uniformTimesteps, dropLabelsForCfg, CFG_DROPOUT_PROB } from '@/lib/train/diffusion-helpers';
import { ProgressBar, formatDuration } from '@/lib/train/progress';
import { encodeCheckpoint, decodeCheckpoint } from '@/lib/train/checkpoint';
import { AdamW } from '@/lib/train/adamw';
import { Ema } from '@/lib/train/ema';

describe('EpochSampler', () => {
  it('visits every index once per epoch, in a new order each epoch', () => {
    const s = new EpochSampler(10, 4, 1);
    const seen: number[] = [];
    for (let i = 0; i < 5; i++) seen.push(...s.next()); // 20 = two epochs
    expect([...seen.slice(0, 10)].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect([...seen.slice(10)].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(seen.slice(0, 10)).not.toEqual(seen.slice(10));
    expect(s.epochs).toBe(2);
  });

  it('restoring (epoch, cursor) continues the same sequence', () => {
    const a = new EpochSampler(37, 8, 9);
    for (let i = 0; i < 6; i++) a.next();
    const state = a.getState();
    const b = new EpochSampler(37, 8, 9);
    b.setState(state);
    for (let i = 0; i < 10; i++) expect(Array.from(b.next())).toEqual(Array.from(a.next()));
  });
});

describe('TrainRng', () => {
  it('resumes exactly from its state, including the Box-Muller spare', () => {
    const a = new TrainRng(3);
    a.normal(); // leaves a spare
    const st = a.getState();
    expect(st.spare).not.toBeNull();
    const b = new TrainRng(0);
    b.setState(st);
    expect(Array.from(b.normalArray(7))).toEqual(Array.from(a.normalArray(7)));
    expect(b.uniform()).toBe(a.uniform());
  });

  it('draws standard normals', () => {
    const x = new TrainRng(11).normalArray(20000);
    const mean = x.reduce((s, v) => s + v, 0) / x.length;
    const varc = x.reduce((s, v) => s + (v - mean) ** 2, 0) / x.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(varc - 1)).toBeLessThan(0.04);
  });
});

describe('DiT recipe draws', () => {
  it('uniformTimesteps covers 0..T-1 uniformly', () => {
    const t = uniformTimesteps(50000, 10, new TrainRng(1));
    const counts = new Array(10).fill(0);
    for (const v of t) counts[v]++;
    expect(Math.min(...t)).toBe(0);
    expect(Math.max(...t)).toBe(9);
    for (const c of counts) expect(Math.abs(c - 5000)).toBeLessThan(300);
  });

  it('dropLabelsForCfg replaces about 10% of labels by the null class, deterministically', () => {
    const labels = Int32Array.from({ length: 20000 }, (_, i) => i % 10);
    const a = dropLabelsForCfg(labels, 10, new TrainRng(4));
    const b = dropLabelsForCfg(labels, 10, new TrainRng(4));
    expect(Array.from(a)).toEqual(Array.from(b));
    const dropped = a.filter((v) => v === 10).length;
    expect(CFG_DROPOUT_PROB).toBe(0.1);
    expect(Math.abs(dropped / labels.length - 0.1)).toBeLessThan(0.01);
    expect(a.every((v, i) => v === 10 || v === labels[i])).toBe(true);
    expect(Array.from(dropLabelsForCfg(labels.slice(0, 5), 10, new TrainRng(4), 0))).toEqual([0, 1, 2, 3, 4]);
    expect(() => dropLabelsForCfg(labels, 10, new TrainRng(4), 1.5)).toThrow(/prob/);
  });
});

describe('ProgressBar', () => {
  it('redraws one line with \\r on a TTY, with steps/s, ETA and loss', () => {
    const out: string[] = [];
    let t = 0;
    const bar = new ProgressBar({ total: 100, sink: { write: (s) => out.push(s), isTTY: true }, label: 'vae', now: () => t });
    bar.update(0, { loss: 1 });
    t = 2000;
    bar.update(10, { loss: 0.5 });
    const last = out[out.length - 1];
    expect(last.startsWith('\rvae [')).toBe(true);
    expect(last).toContain('10/100');
    expect(last).toContain('5.00 steps/s');
    expect(last).toContain('ETA 00:18');
    expect(last).toContain('loss 0.5000');
  });

  it('writes one line per `every` steps when not a TTY', () => {
    const out: string[] = [];
    const bar = new ProgressBar({ total: 100, sink: { write: (s) => out.push(s) }, every: 25, now: () => 0 });
    for (let s = 1; s <= 100; s++) bar.update(s, { loss: 1 / s });
    // The first step, then every 25 steps, and the last.
    expect(out.map((l) => Number(/ (\d+)\/100 /.exec(l)![1]))).toEqual([1, 26, 51, 76, 100]);
    expect(out.every((l) => l.endsWith('\n') && !l.includes('\r'))).toBe(true);
    expect(formatDuration(3725)).toBe('1:02:05');
  });
});

describe('checkpoint file', () => {
  const ck = {
    meta: { step: 3, note: 'x' },
    tensors: [
      { name: 'a', shape: [2, 3], data: Float32Array.from([1, 2, 3, 4, 5, 6]) },
      { name: 'b', shape: [1], data: Float32Array.from([-7]) },
    ],
  };

  it('round-trips meta and tensors', () => {
    const back = decodeCheckpoint<typeof ck.meta>(encodeCheckpoint(ck));
    expect(back.meta).toEqual(ck.meta);
    expect(back.tensors.map((t) => [t.name, t.shape, Array.from(t.data)])).toEqual([
      ['a', [2, 3], [1, 2, 3, 4, 5, 6]],
      ['b', [1], [-7]],
    ]);
  });

  it('rejects a truncated file with a clear message', () => {
    const bytes = encodeCheckpoint(ck);
    expect(() => decodeCheckpoint(bytes.slice(0, bytes.length - 4))).toThrow(/truncated/);
    expect(() => decodeCheckpoint(bytes.slice(0, 20))).toThrow(/truncated/);
    expect(() => decodeCheckpoint(new Uint8Array(16))).toThrow(/not a DiT Lab checkpoint/i);
  });
});

describe('AdamW and EMA', () => {
  beforeAll(async () => {
    await setNodeBackend('wasm');
  });

  it('AdamW: the first step moves each weight by lr against the gradient sign, plus decoupled decay', () => {
    const p = { w: tf.variable(tf.tensor1d([1, -2])) };
    const opt = new AdamW(p, { weightDecay: 0.1 });
    opt.apply(p, { w: tf.tensor1d([2, -0.5]) }, 0.01);
    // m_hat = g, v_hat = g^2 -> step = lr * sign(g) (eps negligible); decay lr * wd * p.
    const w = p.w.dataSync();
    expect(w[0]).toBeCloseTo(1 - 0.01 - 0.01 * 0.1 * 1, 6);
    expect(w[1]).toBeCloseTo(-2 + 0.01 + 0.01 * 0.1 * 2, 6);
    opt.dispose();
    p.w.dispose();
  });

  it('EMA: warm-up decay (1 + t) / (10 + t) capped at the decay', () => {
    const p = { w: tf.variable(tf.tensor1d([0])) };
    const ema = new Ema(p, { decay: 0.99 });
    expect(ema.decayAt(1)).toBeCloseTo(2 / 11, 12);
    expect(ema.decayAt(10000)).toBe(0.99);
    p.w.assign(tf.tensor1d([1]));
    ema.update(p, 1);
    expect(ema.shadow.get('w')!.dataSync()[0]).toBeCloseTo(1 - 2 / 11, 6);
    ema.dispose();
    p.w.dispose();
  });

  it('AdamW and EMA: construction, an update and dispose leave no tensors behind', () => {
    const before = tf.memory().numTensors;
    const p = tf.tidy(() => ({ a: tf.variable(tf.ones([3, 2])), b: tf.variable(tf.zeros([2])) }));
    const opt = new AdamW(p);
    const ema = new Ema(p);
    const g = { a: tf.onesLike(p.a), b: tf.onesLike(p.b) };
    opt.apply(p, g, 0.01);
    ema.update(p, 1);
    opt.dispose();
    ema.dispose();
    for (const t of [p.a, p.b, g.a, g.b]) t.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
