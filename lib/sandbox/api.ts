/**
 * The small API a notebook cell sees, over the project's own lib code (the same functions the
 * chapters' equations name and the widgets run). Arrays in, arrays out, so a reader can print and
 * change them; `tf` is TensorFlow.js itself for those who want tensors. Timesteps are the chapters'
 * t = 1..T (the code's index is t - 1).
 *
 *   schedule(name?)           betas, alphaBar, sqrtAlphaBar, sqrtOneMinusAlphaBar, logSnr, posteriorVariance (Eq. alpha-bar)
 *   qSample(x0, t, eps, name?)  sqrt(alphaBar_t) x0 + sqrt(1 - alphaBar_t) eps (Eq. q-sample)
 *   posterior(x0, xt, t, name?) { mean, variance } of q(x_{t-1} | x_t, x_0) (Eq. posterior-mean)
 *   randn(n, seed)            n standard normal numbers, the same for the same seed
 *   digit(i)                  the i-th MNIST test digit of the page's sample, 32 x 32 in [-1, 1], and its label
 *   patchify(latent, side, channels, p)  the (T, p*p*C) token matrix as rows (Eq. patchify)
 *   gflops(preset)            forward Gflops of a DiT preset, e.g. 'DiT-XL/2' (the paper's Table 4)
 *   await sample({ label, n, steps, guidance, seed, sampler })  digits from the shipped DiT-mini-B/2
 *   await encode(pixels), await decode(latent)  the shipped VAE: a 32 x 32 digit <-> its scaled 8 x 8 x 4 latent
 *   print, table, show, plot  outputs (lib/sandbox/outputs.ts)
 */
import type { tf as TF } from '../tf';
import { scheduleConstants, qSampleInto, DEFAULT_NUM_TIMESTEPS, type ScheduleName } from '../diffusion/schedules';
import { randn as seededRandn } from '../random';
import { patchifyMatrix } from '../inspect/patchify';
import { getPreset, PRESETS } from '../dit/config';
import { gflops as presetGflops } from '../dit/flops';
import { PADDED_SIZE, writePadded32, type DigitSet } from '../data/mnist';
import type { OutputCollector } from './outputs';

type Numbers = ArrayLike<number>;

function stepIndex(t: number): number {
  if (!Number.isInteger(t) || t < 1 || t > DEFAULT_NUM_TIMESTEPS) throw new RangeError(`t must be a whole number from 1 to ${DEFAULT_NUM_TIMESTEPS}, got ${t}`);
  return t - 1;
}

function scheduleName(name: string): ScheduleName {
  if (name !== 'linear' && name !== 'cosine' && name !== 'scaled-linear')
    throw new RangeError(`unknown schedule '${name}': use 'linear', 'cosine' or 'scaled-linear'`);
  return name;
}

/** The shipped models as a cell uses them (lib/sandbox/models.ts loads them in the worker). */
export interface CellModels {
  sample(opts?: {
    label?: number;
    n?: number;
    steps?: number;
    guidance?: number;
    seed?: number;
    sampler?: string;
  }): Promise<{ images: number[][]; labels: number[] }>;
  encode(pixels: Numbers): Promise<number[]>;
  decode(latent: Numbers): Promise<number[]>;
}

const NOT_LOADED = async () => {
  throw new Error('the shipped models are not loaded: a cell loads them when its code calls sample(...), encode(...) or decode(...)');
};

export function cellApi(deps: { tf: typeof TF; digits: DigitSet | null; out: OutputCollector; models?: CellModels }) {
  const { out, digits } = deps;
  const models = deps.models;
  return {
    tf: deps.tf,
    print: out.print,
    table: out.table,
    show: out.show,
    plot: out.plot,
    schedule(name = 'linear') {
      const c = scheduleConstants(scheduleName(name));
      return {
        betas: Array.from(c.betas),
        alphaBar: Array.from(c.alphasCumprod),
        sqrtAlphaBar: Array.from(c.sqrtAlphasCumprod),
        sqrtOneMinusAlphaBar: Array.from(c.sqrtOneMinusAlphasCumprod),
        logSnr: Array.from(c.logSnr),
        posteriorVariance: Array.from(c.posteriorVariance),
      };
    },
    qSample(x0: Numbers, t: number, eps: Numbers, name = 'linear') {
      const c = scheduleConstants(scheduleName(name));
      const i = stepIndex(t);
      if (x0.length !== eps.length) throw new RangeError(`x0 has ${x0.length} values and eps ${eps.length}`);
      return Array.from(
        qSampleInto(new Float32Array(x0.length), Float32Array.from(x0), Float32Array.from(eps), c.sqrtAlphasCumprod[i], c.sqrtOneMinusAlphasCumprod[i]),
      );
    },
    posterior(x0: Numbers, xt: Numbers, t: number, name = 'linear') {
      const c = scheduleConstants(scheduleName(name));
      const i = stepIndex(t);
      return { mean: Array.from(x0, (v, k) => c.posteriorMeanCoef1[i] * v + c.posteriorMeanCoef2[i] * xt[k]), variance: c.posteriorVariance[i] };
    },
    randn(n: number, seed = 0) {
      if (!Number.isInteger(n) || n < 0 || n > 1_000_000) throw new RangeError('randn(n): n must be a whole number up to 1,000,000');
      return Array.from(seededRandn(n, seed));
    },
    digit(i = 0) {
      if (!digits) throw new Error('the MNIST test digits could not be loaded in this page');
      const k = ((Math.floor(i) % digits.count) + digits.count) % digits.count;
      const pixels = new Float32Array(PADDED_SIZE * PADDED_SIZE);
      writePadded32(digits, k, pixels);
      return { pixels: Array.from(pixels), label: digits.labels[k] };
    },
    patchify(latent: Numbers, side: number, channels: number, p: number) {
      const m = patchifyMatrix(Float32Array.from(latent), side, channels, p);
      const n = p * p * channels;
      return Array.from({ length: m.length / n }, (_, k) => Array.from(m.subarray(k * n, (k + 1) * n)));
    },
    gflops(preset: string) {
      return presetGflops(getPreset(preset));
    },
    presets: Object.keys(PRESETS),
    sample: models ? models.sample : NOT_LOADED,
    encode: models ? models.encode : NOT_LOADED,
    decode: models ? models.decode : NOT_LOADED,
  };
}

export type CellApi = ReturnType<typeof cellApi>;

/** What a code exercise's code sees: print and the schedules, not the helpers that would answer it. */
export function exerciseApi(deps: { tf: typeof TF; out: OutputCollector }) {
  const api = cellApi({ ...deps, digits: null });
  return { print: api.print, schedule: api.schedule };
}
