/**
 * What the loaders hand the model runtime (lib/runtime/model-runtime.ts): a loaded model, encoder or
 * inspector, each freed by dispose(), and the error they throw with a kind the widget words for the
 * reader. Plain types: the loaders and the runtime both depend on this file, not on each other.
 */
import type { SamplerModel } from '../sample/run';
import type { AttentionMapsResult, AttentionParams, ErrorKind, ModelInfo } from '../worker/protocol';

export interface LoadedModel {
  sampler: SamplerModel;
  info: Omit<ModelInfo, 'model'>;
  dispose(): void;
}

/** A VAE encoder in the worker (lib/inspect/loaders.ts builds it): pictures -> scaled latents. */
export interface LoadedEncoder {
  encode(pixels: Float32Array, count: number): Promise<{ latents: Float32Array; latentSize: number; latentChannels: number; scaleFactor: number }>;
  dispose(): void;
}

/** A DiT with its VAE, run once with its attention probabilities traced (lib/inspect/loaders.ts). */
export interface LoadedInspector {
  attention(p: Pick<AttentionParams, 'pixels' | 'label' | 't' | 'seed'>): Promise<Omit<AttentionMapsResult, 'ms' | 'backend'>>;
  dispose(): void;
}

/** Errors with a kind the widget words differently ("the model's weights could not be loaded ..."). */
export class RuntimeError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'RuntimeError';
  }
}
