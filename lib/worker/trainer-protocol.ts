/**
 * The messages between the in-browser trainer widget and its own worker (trainer.worker.ts). The
 * trainer has a worker of its own, separate from the model worker (protocol.ts): training holds the
 * worker's thread for minutes, and the sampling widgets on the same page must stay responsive.
 *
 * As with the model worker, only plain numbers, strings and typed arrays cross postMessage; the
 * network, its optimiser and its data never leave the worker.
 *
 *   page -> worker   init, train (start or resume), pause, reset, settings, sample (now), stats
 *   worker -> page   ready, phase, data-progress, data-ready, steps, samples, paused, reset-done,
 *                    stats, error
 *
 * Pictures are row-major float32 in [-1, 1], S x S each (S = 32), N pictures back to back.
 */
import type { BackendName } from '../backend/plan';
import { trainerSettingsProblems, type TrainerSettings } from '../train/browser-recipe';
import type { ReadyResponse } from './protocol';

export type TrainerRequest =
  | { type: 'init'; id: number; backend: BackendName | null; baseUrl: string; threads?: number | null }
  /** Start (loading the data and building the model first if needed) or resume training. */
  | { type: 'train'; id: number; settings: TrainerSettings }
  /** Stop after the step that is running; answered by 'paused'. */
  | { type: 'pause'; id: number }
  /** Pause, then free the model and its optimiser (the encoded data stay); answered by 'reset-done'. */
  | { type: 'reset'; id: number }
  /** New settings for a running or paused model: only those that need no fresh model take effect. */
  | { type: 'settings'; id: number; settings: TrainerSettings }
  /** Draw the sample grid from the current weights now. */
  | { type: 'sample'; id: number }
  | { type: 'stats'; id: number };

export const TRAINER_REQUEST_TYPES = ['init', 'train', 'pause', 'reset', 'settings', 'sample', 'stats'] as const;

/** What the worker is doing. */
export type TrainerPhase = 'idle' | 'loading-data' | 'encoding' | 'building' | 'training' | 'paused';

export type TrainerErrorKind = 'data' | 'weights' | 'backend' | 'request' | 'internal';

export interface DataInfo {
  /** Training-split digits the model trains on, and how many of each class. */
  digits: number;
  perClass: number[];
  /** Bytes downloaded for the digits. */
  bytes: number;
  /** Milliseconds to encode them with the VAE. */
  encodeMs: number;
  /** The latent scale factor of the VAE (Eq. vae-scale). */
  scaleFactor: number;
}

export interface StepRecord {
  step: number;
  loss: number;
  /** The two parts of Eq. l-hybrid: the noise MSE (Eq. l-simple) and the variational-bound term. */
  mse: number;
  vb: number;
  lr: number;
  /** Wall milliseconds of this step in the worker. */
  ms: number;
}

export type TrainerResponse =
  | ReadyResponse
  | { type: 'phase'; id: number; phase: TrainerPhase; step: number }
  /** Download then encoding progress of the training digits. */
  | { type: 'data-progress'; id: number; stage: 'download' | 'encode'; done: number; total: number }
  | ({ type: 'data-ready'; id: number; numTensors: number } & DataInfo)
  /** A model was built: its preset and parameter count. */
  | { type: 'model'; id: number; preset: string; parameters: number; tokens: number }
  /** One or more finished steps (batched to at most a few messages a second). */
  | { type: 'steps'; id: number; records: StepRecord[]; stepsPerSec: number | null }
  | {
      type: 'samples';
      id: number;
      step: number;
      /** 10 pictures, the digits 0..9 in order, S*S each. */
      images: Float32Array;
      labels: Int32Array;
      weights: 'ema' | 'raw';
      guidanceScale: number;
      sampleSteps: number;
      ms: number;
    }
  | { type: 'paused'; id: number; step: number; numTensors: number }
  | { type: 'reset-done'; id: number; numTensors: number }
  | { type: 'stats'; id: number; numTensors: number; numBytes: number; backend: string; step: number; phase: TrainerPhase }
  | { type: 'error'; id: number; kind: TrainerErrorKind; message: string };

/** Problems with a request that arrived from the page (empty when it is well formed). */
export function trainerRequestProblems(msg: unknown): string[] {
  if (typeof msg !== 'object' || msg === null) return ['a request must be an object'];
  const m = msg as Record<string, unknown>;
  if (!(TRAINER_REQUEST_TYPES as readonly unknown[]).includes(m.type)) return [`unknown request type '${String(m.type)}'`];
  const errs: string[] = [];
  if (!Number.isInteger(m.id)) errs.push('id must be an integer');
  if (m.type === 'init') {
    if (typeof m.baseUrl !== 'string' || m.baseUrl.length === 0) errs.push('init needs the site baseUrl');
    if (m.backend !== null && !['webgpu', 'webgl', 'wasm', 'cpu'].includes(m.backend as string)) errs.push(`unknown backend '${String(m.backend)}'`);
  }
  if (m.type === 'train' || m.type === 'settings') errs.push(...trainerSettingsProblems(m.settings));
  return errs;
}

/** Typed arrays a reply owns, for postMessage's transfer list. */
export function trainerTransferables(msg: TrainerResponse): ArrayBuffer[] {
  if (msg.type !== 'samples') return [];
  const out: ArrayBuffer[] = [];
  for (const a of [msg.images, msg.labels]) if (a.byteLength > 0 && a.buffer instanceof ArrayBuffer) out.push(a.buffer);
  return out;
}

/** Where the trainer's digits are, under the site root (scripts/build-assets.ts writes the file). */
export const TRAINER_DATA_FILE = 'data/mnist-train-sample.bin';
