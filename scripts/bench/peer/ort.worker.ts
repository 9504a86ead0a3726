/**
 * The peer side of the peer bench: the same DiT, exported from the PyTorch reference model with the
 * shipped weights (scripts/bench/onnx_export.py), run by onnxruntime-web's WebAssembly backend (SIMD,
 * and threads on a cross-origin isolated page). Guidance and the DDIM update are the same arithmetic
 * the site's sampling road does, written on plain arrays; the network takes NCHW.
 */
import { betaSchedule } from '../../../lib/diffusion/schedules';
import { spacedDiffusion } from '../../../lib/diffusion/respace';
import { spaceTimesteps } from '../../../lib/diffusion/spacing';
import { FORWARDS, GUIDANCE, LABELS, RUNS, STEPS, median, type RunRequest, type RunResult } from './shared';

type Ort = typeof import('onnxruntime-web');
const scope = globalThis as unknown as { onmessage: ((e: MessageEvent<RunRequest>) => void) | null; postMessage: (m: unknown) => void };
const N = LABELS.length;
const C = 4;
const S = 8;
const PER = C * S * S;

/** (N, H, W, C) <-> (N, C, H, W) */
function toNchw(x: Float32Array): Float32Array {
  const out = new Float32Array(x.length);
  for (let n = 0; n < x.length / PER; n++)
    for (let h = 0; h < S; h++) for (let w = 0; w < S; w++) for (let c = 0; c < C; c++) out[n * PER + c * S * S + h * S + w] = x[n * PER + (h * S + w) * C + c];
  return out;
}
function toNhwc(x: Float32Array): Float32Array {
  const out = new Float32Array(x.length);
  for (let n = 0; n < x.length / PER; n++)
    for (let h = 0; h < S; h++) for (let w = 0; w < S; w++) for (let c = 0; c < C; c++) out[n * PER + (h * S + w) * C + c] = x[n * PER + c * S * S + h * S + w];
  return out;
}

async function run(req: RunRequest): Promise<RunResult> {
  const ort = (await import(/* @vite-ignore */ `${location.origin}/ort/ort.wasm.min.mjs`)) as Ort;
  ort.env.wasm.wasmPaths = `${location.origin}/ort/`;
  ort.env.wasm.numThreads = req.threads;
  const session = await ort.InferenceSession.create('/bench/dit-default.onnx', { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
  const d = spacedDiffusion(betaSchedule('linear', 1000), spaceTimesteps(1000, STEPS));
  const ab = d.c.alphasCumprod;
  const abPrev = d.c.alphasCumprodPrev;
  const y = new BigInt64Array([...LABELS.map(BigInt), ...LABELS.map(() => 10n)]);
  const yT = new ort.Tensor('int64', y, [2 * N]);
  const net = async (x: Float32Array, t: number) => {
    const xx = new Float32Array(2 * x.length);
    xx.set(x);
    xx.set(x, x.length);
    const out = await session.run({
      x: new ort.Tensor('float32', xx, [2 * N, C, S, S]),
      t: new ort.Tensor('float32', new Float32Array(2 * N).fill(t), [2 * N]),
      y: yT,
    });
    return out.out.data as Float32Array; // (2N, 2C, H, W): eps then v per sample
  };
  const forwards: number[] = [];
  const probe = new Float32Array(N * PER).fill(0.1);
  for (let i = 0; i < FORWARDS + 3; i++) {
    const t0 = performance.now();
    await net(probe, 500);
    if (i >= 3) forwards.push(performance.now() - t0);
  }
  const start = toNchw(req.xT!);
  const runMs: number[] = [];
  let x = start;
  for (let r = 0; r <= RUNS; r++) {
    x = Float32Array.from(start);
    const t0 = performance.now();
    for (let i = d.numTimesteps - 1; i >= 0; i--) {
      const out = await net(x, d.timestepMap[i]);
      const a = ab[i];
      const ap = abPrev[i];
      const next = new Float32Array(x.length);
      for (let n = 0; n < N; n++) {
        for (let k = 0; k < PER; k++) {
          const cond = out[n * 2 * PER + k];
          const uncond = out[(N + n) * 2 * PER + k];
          const eps = uncond + GUIDANCE * (cond - uncond); // Eq. cfg
          const xi = x[n * PER + k];
          const x0 = (xi - Math.sqrt(1 - a) * eps) / Math.sqrt(a); // Eq. ddim-step, eta = 0
          next[n * PER + k] = Math.sqrt(ap) * x0 + Math.sqrt(1 - ap) * eps;
        }
      }
      x = next;
    }
    if (r > 0) runMs.push(performance.now() - t0);
  }
  await session.release();
  return { runtime: 'onnxruntime-web', threads: req.threads, forwardMs: median(forwards), runMs, final: toNhwc(x) };
}

scope.onmessage = (e) => {
  run(e.data).then(
    (r) => scope.postMessage(r),
    (err) => scope.postMessage({ error: String((err as Error).stack ?? err) }),
  );
};
