/** Small helpers shared by the diffusion tests (not a test file itself). */
import { beforeAll, expect } from 'vitest';
import { tf } from '@/lib/tf';
import { setNodeBackend } from '@/lib/node-backend';
import { gaussianRng, randn } from '@/lib/random';
import type { DiffusionModelFn } from '@/lib/diffusion/gaussian-diffusion';
import { SamplingRun, type LatentStep, type NoiseSource, type SamplerModel, type SamplingSpec } from '@/lib/sample/run';

export type Shape4 = [number, number, number, number];

/** Starts the wasm backend before the file's tests (a beforeAll hook). */
export function onWasmBackend(): void {
  beforeAll(async () => {
    await setNodeBackend('wasm');
  });
}

export function randTensor(shape: Shape4, seed: number, scale = 1): tf.Tensor4D {
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor4d(
    randn(n, seed).map((v) => v * scale),
    shape,
  );
}

export function arr(t: tf.Tensor): number[] {
  return Array.from(t.dataSync());
}

/** Max |a - b| over all entries, broadcasting b when it has one value per batch item. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

export function expectClose(a: ArrayLike<number>, b: ArrayLike<number>, tol: number): number {
  const d = maxAbsDiff(a, b);
  expect(d, `max abs diff ${d} > ${tol}`).toBeLessThanOrEqual(tol);
  return d;
}

/** Run fn and check that it leaves tf.memory().numTensors unchanged (after disposing what it returns). */
export async function expectNoLeak(fn: () => unknown): Promise<void> {
  const before = tf.memory().numTensors;
  const out = await fn();
  disposeAll(out);
  expect(tf.memory().numTensors).toBe(before);
}

/** Dispose every tensor in a nest of objects and arrays (nulls allowed, unlike tf.dispose's types). */
export function disposeAll(x: unknown): void {
  if (x instanceof tf.Tensor) x.dispose();
  else if (Array.isArray(x)) x.forEach(disposeAll);
  else if (x && typeof x === 'object') Object.values(x).forEach(disposeAll);
}

/**
 * A network function and its training betas as the sampling road's model (lib/sample/run.ts), with
 * latents as their own pictures (decode is the identity), for tests of the loop itself.
 */
export function fnSamplerModel(
  fn: DiffusionModelFn,
  betas: Float64Array,
  shape: Shape4,
  opts: { numClasses?: number; learnSigma?: boolean } = {},
): SamplerModel {
  if (shape[1] !== shape[2]) throw new Error('square latents only');
  return {
    forward: fn,
    decode: (z) => tf.clone(z),
    betas,
    latentSize: shape[1],
    latentChannels: shape[3],
    numClasses: opts.numClasses ?? 10,
    learnSigma: opts.learnSigma ?? true,
  };
}

/** The reference's noise order: the whole batch from one stream seeded `seed`, sample-major. */
export function oneStreamNoise(seed: number, n: number): NoiseSource {
  const next = gaussianRng(seed >>> 0);
  return { draw: (per) => Float32Array.from({ length: n * per }, () => next()) };
}

/** Runs a sampling run to x_0 and returns the latents (the caller owns them); onStep false cancels. */
export async function sampleLatents(
  model: SamplerModel,
  spec: SamplingSpec,
  onStep?: (info: LatentStep) => boolean | void | Promise<boolean | void>,
): Promise<{ sample: tf.Tensor4D; cancelled: boolean; stepsRun: number }> {
  const run = new SamplingRun(model, spec);
  let stepsRun = 0;
  let cancelled = false;
  try {
    while (!run.done) {
      const info = run.advance();
      stepsRun++;
      if (onStep && (await onStep(info)) === false) {
        cancelled = !run.done;
        break;
      }
    }
  } catch (e) {
    run.dispose();
    throw e;
  }
  return { sample: run.takeSample(), cancelled, stepsRun };
}

/**
 * The oracle for a data set of one point x_0 (shape `shape`): the exact eps that produced x_t at the
 * original timestep t under `betas`, eps = (x_t - sqrt(abar_t) x_0) / sqrt(1 - abar_t); with
 * `learnSigma` also v = 0 channels.
 */
export function oracleModel(x0: Float32Array, shape: Shape4, betas: Float64Array, learnSigma: boolean): DiffusionModelFn {
  const abar: number[] = [];
  betas.reduce((p, b) => (abar.push(p * (1 - b)), p * (1 - b)), 1);
  return (x, t) =>
    tf.tidy(() => {
      const ts = Array.from(t.dataSync());
      const a = tf.tensor4d(
        ts.map((i) => Math.sqrt(abar[i])),
        [ts.length, 1, 1, 1],
      );
      const b = tf.tensor4d(
        ts.map((i) => Math.sqrt(1 - abar[i])),
        [ts.length, 1, 1, 1],
      );
      const eps = tf.div(tf.sub(x, tf.mul(a, tf.tensor4d(x0, shape))), b) as tf.Tensor4D;
      return learnSigma ? (tf.concat([eps, tf.zerosLike(eps)], 3) as tf.Tensor4D) : eps;
    });
}

/** A sampling spec for tests: two samples (labels 0 and 1, seeds 0 and 1), 10 DDPM steps, no guidance; `o` changes fields. */
export function testSpec(o: Partial<SamplingSpec> = {}): SamplingSpec {
  return { labels: [0, 1], seeds: [0, 1], steps: 10, sampler: 'ddpm', eta: 0, guidanceScale: 1, cfgChannels: 'all', ...o };
}
