/**
 * The tfjs side of the peer bench: DiT.infer on the WebAssembly backend (lib/backend/init.ts, the
 * site's own start-up, threads included) driven by the site's sampling road (lib/sample/run.ts).
 */
import { tf } from '../../../lib/tf';
import { initBackend } from '../../../lib/backend/init';
import { loadDiT } from '../../../lib/dit/weights';
import { betaSchedule } from '../../../lib/diffusion/schedules';
import { SamplingRun, ditSamplerModel } from '../../../lib/sample/run';
import type { WeightsManifestFile } from '../../../lib/weights';
import { FORWARDS, GUIDANCE, LABELS, RUNS, SEEDS, STEPS, median, type RunRequest, type RunResult } from './shared';

const scope = globalThis as unknown as { onmessage: ((e: MessageEvent<RunRequest>) => void) | null; postMessage: (m: unknown) => void };

async function run(req: RunRequest): Promise<RunResult> {
  const info = await initBackend('wasm', `${location.origin}/`, req.threads);
  const manifest = (await (await fetch('/models/dit-default-v1/model.json')).json()) as WeightsManifestFile;
  const shards = await Promise.all(manifest.weightsManifest[0].paths.map(async (p) => (await fetch(`/models/dit-default-v1/${p}`)).arrayBuffer()));
  const net = loadDiT(manifest, shards);
  const model = ditSamplerModel(net, (z) => tf.clone(z), betaSchedule('linear', 1000));
  const spec = { labels: LABELS, seeds: SEEDS, steps: STEPS, sampler: 'ddim' as const, eta: 0, guidanceScale: GUIDANCE, cfgChannels: 'all' as const };
  const x = tf.randomNormal([2 * LABELS.length, 8, 8, 4]);
  const t = tf.fill([2 * LABELS.length], 500, 'int32');
  const y = tf.tensor1d([...LABELS, ...LABELS.map(() => 10)], 'int32');
  const forwards: number[] = [];
  for (let i = 0; i < FORWARDS + 3; i++) {
    const t0 = performance.now();
    const o = net.infer(x, t, y);
    await o.data();
    o.dispose();
    if (i >= 3) forwards.push(performance.now() - t0);
  }
  tf.dispose([x, t, y]);
  const runMs: number[] = [];
  let final = new Float32Array(0);
  let xT = new Float32Array(0);
  for (let r = 0; r <= RUNS; r++) {
    const s = new SamplingRun(model, spec);
    xT = Float32Array.from(await s.current.data());
    const t0 = performance.now();
    while (!s.done) s.advance();
    final = Float32Array.from(await s.current.data());
    if (r > 0) runMs.push(performance.now() - t0);
    s.dispose();
  }
  net.dispose();
  return { runtime: 'tfjs-wasm', threads: info.threads?.count ?? 1, note: info.threads?.why, forwardMs: median(forwards), runMs, final, xT };
}

scope.onmessage = (e) => {
  run(e.data).then(
    (r) => scope.postMessage(r),
    (err) => scope.postMessage({ error: String((err as Error).stack ?? err) }),
  );
};
