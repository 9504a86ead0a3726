/**
 * Where the time of a forward pass or a training step goes: `npx tsx scripts/bench/profile.ts [wasm|cpu] [batch]`.
 * By default the sampler's network call (DiT.infer) of the default model; batch 32 is the live
 * sampler's grid, 16 samples doubled for classifier-free guidance. PRESET=DiT-mini-B/4 picks another
 * model. Prints the time (median of REPS, wall and CPU) and the kernels that take the most time (CPU
 * time per kernel); DETAIL=1 adds a breakdown by input shapes. PATH_=forward profiles the differentiable
 * forward instead of infer(), PATH_=train a whole training step (forward, backward, Adam; the
 * trainer's loss is replaced by a mean squared error on the full output, as `npm run bench` does).
 */
import { tf } from '../../lib/tf';
import { setNodeBackend, type NodeBackend } from '../../lib/node-backend';
import { DiT } from '../../lib/dit/model';
import { getPreset, DEFAULT_MINI } from '../../lib/dit/config';

const backend = (process.argv[2] ?? 'wasm') as NodeBackend;
const batch = Number(process.argv[3] ?? 32);
await setNodeBackend(backend);
const model = new DiT(getPreset(process.env.PRESET ?? DEFAULT_MINI), 0);
const x = tf.randomNormal([batch, 8, 8, 4]);
const t = tf.fill([batch], 500, 'int32');
const y = tf.randomUniform([batch], 0, 11, 'int32');
const opt = tf.train.adam(1e-4);
const target = tf.randomNormal([batch, 8, 8, 8]);
const trainStep = () =>
  opt.minimize(() => tf.mean(tf.squaredDifference(model.forward(x, t, y, { train: true }), target)) as tf.Scalar, true, model.trainableVariables)!;
const path = process.env.PATH_ ?? 'infer';
const fwd = path === 'train' ? trainStep : path === 'forward' ? () => model.forward(x, t, y) : () => model.infer(x, t, y);
for (let i = 0; i < 3; i++) {
  const o = fwd();
  await o.data();
  o.dispose();
}
const reps = Number(process.env.REPS ?? 20);
const times: number[] = [];
const cpu0 = process.cpuUsage();
for (let i = 0; i < reps; i++) {
  const t0 = performance.now();
  const o = fwd();
  await o.data();
  o.dispose();
  times.push(performance.now() - t0);
}
const cpu = process.cpuUsage(cpu0);
times.sort((a, b) => a - b);
// CPU time of this (single-threaded) process is what the forward would take on an idle core; wall
// time also counts waiting for the core when other jobs share the machine.
console.log(
  `${backend} batch ${batch} ${path}: median ${times[reps >> 1].toFixed(1)} ms, min ${times[0].toFixed(1)} ms, cpu ${((cpu.user + cpu.system) / 1e3 / reps).toFixed(1)} ms`,
);
if (process.env.NOPROFILE) process.exit(0);
// The machine is shared, so a kernel's wall time (tf.profile) also counts waiting for a core. Instead
// every wasm kernel is wrapped to add up the process's CPU time while it runs (wasm kernels are
// synchronous), over PROFILES calls.
const byKey = new Map<string, { ms: number; calls: number }>();
const cpuNow = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1e3;
};
for (const k of tf.getKernelsForBackend(tf.getBackend())) {
  const inner = k.kernelFunc;
  (k as { kernelFunc: tf.KernelFunc }).kernelFunc = (args) => {
    const c0 = cpuNow();
    const out = inner(args);
    const key = `${k.kernelName} ${Object.values(args.inputs)
      .filter((t) => t)
      .map((t) => `[${(t as tf.TensorInfo).shape}]`)
      .join(' ')}`;
    const e = byKey.get(key) ?? { ms: 0, calls: 0 };
    e.ms += cpuNow() - c0;
    e.calls++;
    byKey.set(key, e);
    return out;
  };
}
const runs = Number(process.env.PROFILES ?? 5);
const c0 = cpuNow();
for (let r = 0; r < runs; r++) {
  const o = fwd();
  await o.data();
  o.dispose();
}
const all = (cpuNow() - c0) / runs;
const entries = [...byKey.entries()].map(([k, e]) => ({ key: k, name: k.split(' ')[0], ms: e.ms / runs, calls: e.calls / runs }));
const total = entries.reduce((a, e) => a + e.ms, 0);
console.log(`per ${path}: cpu ${all.toFixed(1)} ms, of which in kernels ${total.toFixed(1)} ms (the rest is tfjs bookkeeping in JS)`);
const byName = new Map<string, [number, number]>();
for (const e of entries) {
  const v = byName.get(e.name) ?? [0, 0];
  byName.set(e.name, [v[0] + e.ms, v[1] + e.calls]);
}
for (const [k, [v, c]] of [...byName.entries()].sort((a, b) => b[1][0] - a[1][0]).slice(0, 16))
  console.log(k.padEnd(22), v.toFixed(2).padStart(8), `x${c}`.padStart(5), `${((100 * v) / all).toFixed(1)}%`);
if (process.env.DETAIL)
  for (const e of entries.sort((a, b) => b.ms - a.ms).slice(0, 30)) console.log(e.ms.toFixed(2).padStart(8), `x${e.calls}`.padStart(5), e.key);
model.dispose();
