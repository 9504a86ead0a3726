/**
 * The messages between a page and the model worker (lib/worker/model.worker.ts).
 *
 * Only plain numbers, strings and typed arrays cross postMessage: the model and its tensors never
 * leave the worker. Every request carries an id chosen by the page; every reply repeats it. A newer
 * 'sample' request cancels the running one between two sampler steps (the running one then ends with
 * a 'cancelled' reply), so a slider dragged 30 times runs only what the reader last asked for.
 * Requests are exclusive per channel (one channel per widget on the page): two widgets sharing the
 * worker never cancel each other, they take turns.
 *
 * Pictures are row-major float32 in [-1, 1] (the decoder's output range), one channel, S x S pixels
 * (S = 32 for the project's VAE), N pictures back to back: length N * S * S.
 */
import type { BackendName } from '../backend/plan';
import type { CfgChannels, SamplingSpec, StepOutput } from '../sample/run';
import { SAMPLERS, type SamplerName } from '../sample/settings';

export type { CfgChannels, SamplerName };

/**
 * A sampling request: the sampling road's spec (lib/sample/run.ts SamplingSpec) as plain JSON, with
 * whole step counts (10..250 in the widgets) and a traced sample (-1 for none).
 */
export interface SampleParams extends Pick<SamplingSpec, 'sampler' | 'eta' | 'cfgChannels'> {
  /** The widget instance asking; a newer request cancels only older ones of the same channel. */
  channel: string;
  /** Model folder under the site's base path, e.g. 'models/dit-default-v1' (see DEFAULT_MODEL). */
  model: string;
  labels: number[];
  seeds: number[];
  steps: number;
  guidanceScale: number | number[];
  traceIndex: number;
  /** Minimum milliseconds between two whole-grid previews (the filmstrip frame streams every step). */
  previewEveryMs: number;
}

/**
 * Encode digits with the VAE (the patchify widget): pictures in, scaled latents z = scaleFactor * mean(E(x))
 * out. Exclusive per channel like 'sample': a queued request overtaken by a newer one of its channel
 * never runs (it answers 'cancelled').
 */
export interface EncodeParams {
  channel: string;
  /** VAE folder under the site's base path, e.g. 'models/vae-v1' (see lib/sample/folder.ts DEFAULT_VAE). */
  vae: string;
  /** count pictures, S*S each, row-major float32 in [-1, 1] (padded digits, lib/data/mnist writePadded32). */
  pixels: Float32Array;
  count: number;
}

/**
 * One forward pass of a DiT with its attention probabilities (the attention-maps widget): the digit is
 * encoded (posterior mean, scaled), noised to timestep t with noise drawn in JS from the seed (the same
 * x_t on every backend), and run through the network. Exclusive per channel like 'sample'.
 */
export interface AttentionParams {
  channel: string;
  /** DiT folder, e.g. DEFAULT_MODEL; its VAE must be a real encoder (not a latent preview). */
  model: string;
  /** One picture, S*S row-major float32 in [-1, 1]. */
  pixels: Float32Array;
  /** Class label 0..numClasses-1, or null for the null class (the unconditional model of CFG). */
  label: number | null;
  /** Original timestep, 0-based like the official code (the reader's t = 1..1000 is t + 1). */
  t: number;
  /** Seed of the noise eps in x_t = sqrt(abar_t) z + sqrt(1 - abar_t) eps. */
  seed: number;
}

export type WorkerRequest =
  /** baseUrl: the site root (origin + base path, ending in '/'), which model folders and the wasm files are under. */
  | { type: 'init'; id: number; backend: BackendName | null; baseUrl: string; threads?: number | null }
  | { type: 'load'; id: number; model: string }
  | ({ type: 'sample'; id: number } & SampleParams)
  | ({ type: 'encode'; id: number } & EncodeParams)
  | ({ type: 'attention'; id: number } & AttentionParams)
  | { type: 'cancel'; id: number }
  | { type: 'stats'; id: number }
  /** Test hook (lib/test-hooks.ts): makes the worker throw outside any handler, as a real crash would (e2e "restart" test). */
  | { type: 'crash'; id: number };

export type ErrorKind = 'weights' | 'backend' | 'request' | 'internal';

export interface BackendInfo {
  backend: BackendName;
  reason: string;
  /** Backends tried before this one and why each failed, e.g. "webgpu: no adapter". */
  fallbacks: string[];
  /** WebAssembly only: how many threads it computes on, and why only one where so. */
  threads?: { count: number; why?: string };
}

/** A worker's first answer, to the request that starts its backend: which backend it runs on. */
export type ReadyResponse = { type: 'ready'; id: number } & BackendInfo;

export interface ModelInfo {
  model: string;
  /** DiT preset name (DiT-mini-B/2 ...) and its parameter count, for the widget's caption. */
  preset: string;
  parameters: number;
  /** Training timesteps T (1000). */
  numTimesteps: number;
  numClasses: number;
  /** Side of the decoded picture in pixels. */
  imageSize: number;
  fromCache: boolean;
}

export type WorkerResponse =
  | ReadyResponse
  | { type: 'load-progress'; id: number; loaded: number; total: number; file: string }
  | ({ type: 'loaded'; id: number } & ModelInfo)
  /**
   * A sampler step (lib/sample/run.ts StepOutput): step is -1 for the starting noise x_T, sent before
   * the first network call (x0 is then empty and t is T - 1, where the first step starts).
   */
  | ({
      type: 'step';
      id: number;
      /** Milliseconds this step took in the worker, network and decoding included. */
      ms: number;
    } & StepOutput)
  | {
      type: 'done';
      id: number;
      /** Final decoded samples, N*S*S. */
      images: Float32Array;
      /** Class actually used per sample (random ones resolved). */
      labels: Int32Array;
      totalMs: number;
      msPerStep: number;
      backend: BackendName;
    }
  | {
      type: 'encoded';
      id: number;
      /** count latents, NHWC row-major: (count, H, W, C), in the DiT's space (scaled by scaleFactor). */
      latents: Float32Array;
      latentSize: number;
      latentChannels: number;
      scaleFactor: number;
      ms: number;
      backend: BackendName;
    }
  | ({ type: 'attention-maps'; id: number } & AttentionMapsResult)
  | { type: 'cancelled'; id: number; atStep: number }
  | { type: 'stats'; id: number; numTensors: number; numBytes: number; backend: string }
  | { type: 'error'; id: number; kind: ErrorKind; message: string };

/** What an 'attention' request returns (all plain numbers and typed arrays). Letters: L blocks, H heads, T tokens. */
export interface AttentionMapsResult {
  /** Self-attention probabilities, (L, H, T, T) row-major: [block][head][query][key]; each row sums to 1. */
  attn: Float32Array;
  depth: number;
  heads: number;
  tokens: number;
  /** Side of the token grid (T = gridSize^2) and the patch size p. */
  gridSize: number;
  patchSize: number;
  /** Mean |gate_msa| per block (L): how much attention's output counts (adaLN-Zero); empty for other variants. */
  gates: Float32Array;
  /** The noisy latent x_t and the network's predicted x_0, decoded by the VAE (S*S each, in [-1, 1]). */
  xt: Float32Array;
  x0: Float32Array;
  /** The request's t (0-based) and the label actually used (numClasses = the null class). */
  t: number;
  label: number;
  numClasses: number;
  ms: number;
  backend: BackendName;
}

/** The model folder the widgets load unless told otherwise (the shipped default model). */
export const DEFAULT_MODEL = 'models/dit-default-v1';

/** Typed arrays a reply owns, to hand to postMessage's transfer list (copies nothing). */
export function transferables(msg: WorkerResponse): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  const add = (a: Float32Array | Int32Array) => {
    if (a.byteLength > 0 && a.buffer instanceof ArrayBuffer && !out.includes(a.buffer)) out.push(a.buffer);
  };
  if (msg.type === 'step') [msg.xt, msg.x0, msg.grid].forEach(add);
  if (msg.type === 'done') [msg.images, msg.labels].forEach(add);
  if (msg.type === 'encoded') add(msg.latents);
  if (msg.type === 'attention-maps') [msg.attn, msg.gates, msg.xt, msg.x0].forEach(add);
  return out;
}

const isFolder = (m: unknown) => typeof m === 'string' && /^models\/[a-z0-9][a-z0-9-]*$/.test(m);

/** Checks an encode request; returns the problems (empty when fine). */
export function validateEncodeParams(p: EncodeParams): string[] {
  const errs: string[] = [];
  if (typeof p.channel !== 'string') errs.push('channel must be a string');
  if (!isFolder(p.vae)) errs.push(`vae must be a folder like models/vae-v1 (got ${String(p.vae)})`);
  if (!Number.isInteger(p.count) || p.count < 1 || p.count > 256) errs.push(`count must be an integer in [1, 256] (got ${p.count})`);
  if (!(p.pixels instanceof Float32Array)) errs.push('pixels must be a Float32Array');
  else if (Number.isInteger(p.count) && p.count > 0 && p.pixels.length % p.count !== 0)
    errs.push(`${p.pixels.length} pixels do not split into ${p.count} pictures`);
  return errs;
}

/** Checks an attention request; returns the problems (empty when fine). */
export function validateAttentionParams(p: AttentionParams): string[] {
  const errs: string[] = [];
  if (typeof p.channel !== 'string') errs.push('channel must be a string');
  if (!isFolder(p.model)) errs.push(`model must be a folder like models/dit-default-v1 (got ${String(p.model)})`);
  if (!(p.pixels instanceof Float32Array)) errs.push('pixels must be a Float32Array');
  if (p.label !== null && !(Number.isInteger(p.label) && p.label >= 0)) errs.push(`label must be a class index or null (got ${String(p.label)})`);
  if (!Number.isInteger(p.t) || p.t < 0 || p.t > 999) errs.push(`t must be an integer timestep in [0, 999] (got ${p.t})`);
  if (!Number.isInteger(p.seed) || p.seed < 0) errs.push(`seed must be a non-negative integer (got ${p.seed})`);
  return errs;
}

/** Checks a sample request's numbers; returns the problems (empty when fine). */
export function validateSampleParams(p: SampleParams): string[] {
  const errs: string[] = [];
  if (typeof p.channel !== 'string') errs.push('channel must be a string');
  if (typeof p.model !== 'string' || p.model.length === 0) errs.push('model must be a folder name');
  if (!Array.isArray(p.labels) || p.labels.length === 0) errs.push('labels must be a non-empty list');
  if (!Array.isArray(p.seeds) || p.seeds.length !== p.labels?.length) errs.push('seeds must have one entry per label');
  if (p.labels?.some((l) => !Number.isInteger(l) || l < -1)) errs.push('labels must be integers >= -1');
  if (!Number.isInteger(p.steps) || p.steps < 1 || p.steps > 1000) errs.push(`steps must be an integer in [1, 1000] (got ${p.steps})`);
  if (!SAMPLERS.includes(p.sampler)) errs.push(`sampler must be one of ${SAMPLERS.join(', ')} (got ${String(p.sampler)})`);
  if (!(p.eta >= 0 && p.eta <= 1)) errs.push(`eta must be in [0, 1] (got ${p.eta})`);
  const scales = Array.isArray(p.guidanceScale) ? p.guidanceScale : [p.guidanceScale];
  if (Array.isArray(p.guidanceScale) && p.guidanceScale.length !== p.labels?.length) errs.push('guidanceScale lists need one scale per sample');
  if (scales.some((s) => !(s >= 0 && s <= 20))) errs.push(`guidance scales must be in [0, 20] (got ${scales.join(', ')})`);
  if (!(p.previewEveryMs >= 0)) errs.push('previewEveryMs must be >= 0');
  if (p.cfgChannels !== 'all' && p.cfgChannels !== 'first3') errs.push(`cfgChannels must be 'all' or 'first3'`);
  if (!Number.isInteger(p.traceIndex) || p.traceIndex < -1 || p.traceIndex >= (p.labels?.length ?? 0)) errs.push('traceIndex out of range');
  return errs;
}
