/**
 * Where a training step's time goes on a backend: `npx tsx scripts/bench/profile.ts [wasm|cpu] [batch]`.
 * Prints the step time and the kernels that take the most time (tf.profile).
 */
import { tf } from '../../lib/tf';
import { setNodeBackend, type NodeBackend } from '../../lib/node-backend';
import { DiT } from '../../lib/dit/model';
import { getPreset, DEFAULT_MINI } from '../../lib/dit/config';

const backend = (process.argv[2] ?? 'wasm') as NodeBackend;
const batch = Number(process.argv[3] ?? 256);
await setNodeBackend(backend);
const model = new DiT(getPreset(DEFAULT_MINI), 0);
const opt = tf.train.adam(1e-4);
const x = tf.randomNormal([batch, 8, 8, 4]);
const t = tf.randomUniform([batch], 0, 1000, 'int32');
const y = tf.randomUniform([batch], 0, 10, 'int32');
const target = tf.randomNormal([batch, 8, 8, 8]);
const step = () =>
  opt.minimize(() => tf.mean(tf.squaredDifference(model.forward(x, t, y, { train: true }), target)) as tf.Scalar, true, model.trainableVariables)!;
for (let i = 0; i < 2; i++) (await step()).dispose?.();
const t0 = performance.now();
const cpu0 = process.cpuUsage();
const reps = Number(process.env.REPS ?? 3);
for (let i = 0; i < reps; i++) {
  const c = step();
  await c.data();
  c.dispose();
}
const cpu = process.cpuUsage(cpu0);
// CPU time of this (single-threaded) process is what the step would take on an idle core; wall time
// also counts waiting for the core when other jobs share the machine.
console.log(
  `${backend} batch ${batch}: step wall ${((performance.now() - t0) / reps / 1000).toFixed(3)} s, cpu ${((cpu.user + cpu.system) / 1e6 / reps).toFixed(3)} s`,
);
if (process.env.NOPROFILE) process.exit(0);
const prof = await tf.profile(() => {
  const c = step();
  return c;
});
const byKernel = new Map<string, number>();
for (const k of prof.kernels) byKernel.set(k.name, (byKernel.get(k.name) ?? 0) + (k.kernelTimeMs as number));
const total = [...byKernel.values()].reduce((a, b) => a + b, 0);
console.log(`profiled kernel time ${total.toFixed(0)} ms`);
for (const [k, v] of [...byKernel.entries()].sort((a, b) => b[1] - a[1]).slice(0, 18))
  console.log(k.padEnd(24), v.toFixed(1).padStart(8), `${((100 * v) / total).toFixed(1)}%`);
if (process.env.DETAIL) {
  const byShape = new Map<string, number>();
  for (const k of prof.kernels) {
    const key = `${k.name} ${k.inputShapes.map((s) => `[${s}]`).join(' ')}`;
    byShape.set(key, (byShape.get(key) ?? 0) + (k.kernelTimeMs as number));
  }
  for (const [k, v] of [...byShape.entries()].sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log(v.toFixed(1).padStart(8), k);
}
