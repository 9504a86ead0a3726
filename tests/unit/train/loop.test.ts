import { describe, it, expect, beforeAll } from 'vitest';
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf } from '@/lib/tf';
import { setNodeBackend } from '@/lib/node-backend';
import { Trainer, warmupCosine, downsampleLog, type TrainTask, type TrainOptions } from '@/lib/train/loop';
import { TrainRng } from '@/lib/train/rng';
import { decodeCheckpoint } from '@/lib/train/checkpoint';
import { runWithCheckpoints } from '@/lib/train/node';
import { linear } from '@/lib/dit/layers';

/**
 * A tiny regression task with every kind of randomness the real tasks have: data order (sampler),
 * per-step noise from the loop's RNG. y = A x + noise, fitted by one hidden layer.
 */
function tinyTask(initSeed: number): TrainTask<{ x: Float32Array; y: Float32Array }> & { dispose(): void } {
  const n = 64,
    inF = 6,
    hid = 16,
    outF = 3;
  const r = new TrainRng(99);
  const X = r.normalArray(n * inF);
  const Y = new Float32Array(n * outF);
  for (let i = 0; i < n; i++)
    for (let o = 0; o < outF; o++) {
      let s = 0;
      for (let k = 0; k < inF; k++) s += Math.sin(o + 2 * k) * X[i * inF + k];
      Y[i * outF + o] = s;
    }
  const mk = (shape: number[], s: number) => tf.variable(tf.randomNormal(shape, 0, 0.3, 'float32', s));
  const params = {
    'fc1.weight': mk([hid, inF], initSeed),
    'fc1.bias': mk([hid], initSeed + 1),
    'fc2.weight': mk([outF, hid], initSeed + 2),
    'fc2.bias': mk([outF], initSeed + 3),
  };
  return {
    params,
    datasetSize: n,
    makeBatch: (idx) => ({
      x: Float32Array.from({ length: idx.length * inF }, (_, j) => X[idx[Math.floor(j / inF)] * inF + (j % inF)]),
      y: Float32Array.from({ length: idx.length * outF }, (_, j) => Y[idx[Math.floor(j / outF)] * outF + (j % outF)]),
    }),
    loss: (b, rng) => {
      const m = b.y.length / outF;
      const x = tf.add(tf.tensor2d(b.x, [m, inF]), tf.mul(0.01, tf.tensor2d(rng.normalArray(m * inF), [m, inF])));
      const h = tf.relu(linear(x, params['fc1.weight'], params['fc1.bias']));
      const pred = linear(h, params['fc2.weight'], params['fc2.bias']);
      const loss = tf.mean(tf.square(tf.sub(pred, tf.tensor2d(b.y, [m, outF])))) as tf.Scalar;
      return { loss, metrics: { absErr: tf.mean(tf.abs(tf.sub(pred, tf.tensor2d(b.y, [m, outF])))) as tf.Scalar } };
    },
    dispose: () => Object.values(params).forEach((p) => p.dispose()),
  };
}

const OPTS: TrainOptions = {
  seed: 5,
  batchSize: 12,
  totalSteps: 12,
  lr: warmupCosine(1e-2, 3, 12),
  ema: { decay: 0.9 },
  maxGradNorm: 10,
  adam: { weightDecay: 0.01 },
};

function snapshot(tr: Trainer<unknown>): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const [k, v] of Object.entries(tr.task.params)) out[`p/${k}`] = Array.from(v.dataSync());
  for (const [k, v] of tr.adam.m) out[`m/${k}`] = Array.from(v.dataSync());
  for (const [k, v] of tr.adam.v) out[`v/${k}`] = Array.from(v.dataSync());
  for (const [k, v] of tr.ema!.shadow) out[`e/${k}`] = Array.from(v.dataSync());
  return out;
}

describe('training loop', () => {
  beforeAll(async () => {
    await setNodeBackend('wasm');
  });

  it('lowers the loss of a tiny model in a few seconds', () => {
    const task = tinyTask(1);
    const tr = new Trainer(task, { ...OPTS, totalSteps: 150, lr: 1e-2, batchSize: 16 });
    const before = tf.memory().numTensors;
    for (let i = 0; i < 150; i++) tr.trainStep();
    expect(tf.memory().numTensors).toBe(before); // no leak per step
    const first = tr.lossLog.slice(0, 10).reduce((a, l) => a + l.loss, 0) / 10;
    const last = tr.lossLog.slice(-10).reduce((a, l) => a + l.loss, 0) / 10;
    expect(last).toBeLessThan(first * 0.3);
    expect(tr.lossLog[0]).toHaveProperty('absErr');
    expect(tr.lossLog[0]).toHaveProperty('gradNorm');
    tr.dispose();
    task.dispose();
  });

  it('checkpoint + resume gives bit-identical weights, moments, EMA and log to an uninterrupted run', async () => {
    const a = tinyTask(1);
    const full = new Trainer(a, OPTS);
    await full.run();
    const want = snapshot(full);
    const wantLog = full.lossLog.map((l) => ({ ...l }));

    const b = tinyTask(1);
    const first = new Trainer(b, OPTS);
    let saved: Uint8Array | null = null;
    await first.run({
      until: 5,
      onCheckpoint: (bytes) => {
        saved = bytes;
      },
    });
    expect(first.step).toBe(5);
    first.dispose();
    b.dispose();

    // A fresh process: different initial weights, restored from the bytes.
    const c = tinyTask(777);
    const resumed = new Trainer(c, OPTS);
    resumed.restore(saved!);
    expect(resumed.step).toBe(5);
    await resumed.run();
    expect(snapshot(resumed)).toEqual(want);
    expect(resumed.lossLog.map((l) => ({ ...l }))).toEqual(wantLog);
    full.dispose();
    a.dispose();
    resumed.dispose();
    c.dispose();
  });

  it('the Node driver resumes from its checkpoint file after an interruption', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dit-lab-train-'));
    try {
      const ref = tinyTask(1);
      const full = new Trainer(ref, OPTS);
      await full.run();
      const want = snapshot(full);

      const t1 = tinyTask(1);
      const tr1 = new Trainer(t1, OPTS);
      // Interrupt after 7 steps: the driver saves on stop.
      let steps = 0;
      const origStep = tr1.trainStep.bind(tr1);
      tr1.trainStep = () => {
        steps++;
        if (steps === 7) process.emit('SIGINT');
        return origStep();
      };
      const done1 = await runWithCheckpoints(tr1, { dir, label: 'test' });
      expect(done1).toBe(false);
      expect(tr1.step).toBe(7);
      const t2 = tinyTask(3);
      const tr2 = new Trainer(t2, OPTS);
      const done2 = await runWithCheckpoints(tr2, { dir, label: 'test' });
      expect(done2).toBe(true);
      expect(snapshot(tr2)).toEqual(want);
      const lines = readFileSync(join(dir, 'steps.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(lines.map((l) => l.step)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
      expect(decodeCheckpoint<{ step: number }>(new Uint8Array(readFileSync(join(dir, 'train.ckpt')))).meta.step).toBe(12);
      for (const x of [full, tr1, tr2]) x.dispose();
      for (const x of [ref, t1, t2]) x.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('restore refuses a checkpoint of another run', async () => {
    const t = tinyTask(1);
    const tr = new Trainer(t, OPTS);
    tr.trainStep();
    const bytes = tr.checkpoint();
    const other = new Trainer(t, { ...OPTS, seed: 6 });
    expect(() => other.restore(bytes)).toThrow(/seed 5/);
    tr.dispose();
    other.dispose();
    t.dispose();
  });

  it('warmupCosine and downsampleLog', () => {
    const f = warmupCosine(1, 10, 110, 0.1);
    expect(f(0)).toBeCloseTo(0.1, 12);
    expect(f(9)).toBeCloseTo(1, 12);
    expect(f(60)).toBeCloseTo(0.55, 12);
    expect(f(110)).toBeCloseTo(0.1, 12);
    const log = Array.from({ length: 1000 }, (_, i) => ({ step: i + 1, loss: 1 / (i + 1), lr: 0 }));
    const d = downsampleLog(log, 50);
    expect(d.length).toBe(50);
    expect(d[0].step).toBe(1);
    expect(d[49].step).toBe(1000);
  });
});
