/**
 * The worker half of data-parallel.ts: a DiT replica that, for each job, takes the current weights and half
 * a batch's draws from shared memory, computes that half's loss and gradients, and writes them back.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { tf } from '../tf';
import { setNodeBackend } from '../node-backend';
import { DiT } from '../dit/model';
import { createDiffusion } from '../diffusion/respace';
import { ditLossOnDraws } from './dit-task';
import type { WorkerInit } from './data-parallel';

const init = (workerData as { init: WorkerInit }).init;
const post = (m: unknown) => parentPort?.postMessage(m);

try {
  await setNodeBackend('wasm');
  const model = new DiT(init.config, 0);
  const diffusion = createDiffusion({ learnSigma: init.learnSigma });
  const sd = model.stateDict();
  const vars = init.keys.map((k) => sd[k]);
  const keyOfName = new Map(init.keys.map((k) => [sd[k].name, k]));
  const offsets: number[] = [];
  let o = 0;
  for (const s of init.shapes) {
    offsets.push(o);
    o += s.reduce((a, b) => a * b, 1);
  }
  const sh = init.shared;
  const ctrl = new Int32Array(sh.ctrl);
  const params = new Float32Array(sh.params);
  const grads = new Float32Array(sh.grads);
  const zBuf = new Float32Array(sh.z);
  const noiseBuf = new Float32Array(sh.noise);
  const tBuf = new Int32Array(sh.t);
  const yBuf = new Int32Array(sh.y);
  const out = new Float64Array(sh.out);
  const c = init.config;
  const per = c.inputSize * c.inputSize * c.inChannels;
  post({ kind: 'ready' });

  let seen = 0;
  for (;;) {
    Atomics.wait(ctrl, 0, seen);
    const job = Atomics.load(ctrl, 0);
    if (job < 0) break;
    if (job === seen) continue;
    seen = job;
    try {
      const n = Atomics.load(ctrl, 2);
      tf.tidy(() => {
        init.keys.forEach((k, i) => vars[i].assign(tf.tensor(params.subarray(offsets[i], offsets[i] + vars[i].size), vars[i].shape)));
      });
      const draws = {
        n,
        size: c.inputSize,
        channels: c.inChannels,
        z: zBuf.slice(0, n * per),
        noise: noiseBuf.slice(0, n * per),
        t: tBuf.slice(0, n),
        y: yBuf.slice(0, n),
      };
      let metrics: Record<string, tf.Scalar> = {};
      const { value, grads: byName } = tf.variableGrads(() => {
        const r = ditLossOnDraws(model, diffusion, draws);
        metrics = r.metrics ?? {};
        for (const m of Object.values(metrics)) tf.keep(m);
        return r.loss;
      }, vars);
      try {
        for (const [name, g] of Object.entries(byName)) {
          const k = keyOfName.get(name);
          if (k === undefined) throw new Error(`gradient for unknown variable '${name}'`);
          grads.set(g.dataSync() as Float32Array, offsets[init.keys.indexOf(k)]);
        }
        out[0] = value.dataSync()[0];
        out[1] = metrics.mse ? metrics.mse.dataSync()[0] : NaN;
        out[2] = metrics.vb ? metrics.vb.dataSync()[0] : NaN;
      } finally {
        tf.dispose([value, ...Object.values(byName), ...Object.values(metrics)]);
      }
    } catch (e) {
      post({ kind: 'error', message: e instanceof Error ? e.message : String(e) });
      Atomics.store(ctrl, 3, 1);
    }
    Atomics.store(ctrl, 1, seen);
    Atomics.notify(ctrl, 1);
  }
} catch (e) {
  post({ kind: 'error', message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
}
