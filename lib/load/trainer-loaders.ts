/**
 * What the trainer worker downloads, only once the reader presses Train:
 *
 *   data/mnist-train-sample.bin   2,000 training-split digits (200 per class) in the 'DLMN' container
 *                                 (lib/data/mnist), about 1.5 MB before the server's compression
 *   models/vae-v1/                the shipped tiny VAE: its encoder turns the digits into latents,
 *                                 its decoder turns the samples back into pictures
 *
 * fetch and the cache are passed in, so the unit tests run these on Node against the repository's
 * files. Failures are TrainerLoadError with a kind the widget words for the reader.
 */
import { decodeDigits, type DigitSet } from '../data/mnist';
import type { TinyVAE } from '../vae/model';
import { buildTinyVae } from '../vae/weights';
import { fetchFiles, joinUrl, type CacheLike, type FetchLike } from './fetch-cached';
import { fetchFolder, fetchManifest } from './model-loader';
import { TRAINER_DATA_FILE, type TrainerErrorKind } from '../worker/trainer-protocol';
import { DEFAULT_VAE, vaeScaleFactor } from '../sample/folder';

export class TrainerLoadError extends Error {
  constructor(
    readonly kind: TrainerErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'TrainerLoadError';
  }
}

/** Downloads and checks the trainer's digits. */
export async function loadTrainerDigits(
  baseUrl: string,
  fetchFn: FetchLike,
  onProgress?: (loaded: number, total: number) => void,
): Promise<{ set: DigitSet; bytes: number }> {
  const url = joinUrl(baseUrl, TRAINER_DATA_FILE);
  let bytes: Uint8Array;
  try {
    const [file] = await fetchFiles([url], { fetch: fetchFn, cache: null, onProgress: (n, t) => onProgress?.(n, t) });
    bytes = file.bytes;
  } catch (e) {
    throw new TrainerLoadError('data', `the training digits could not be downloaded: ${(e as Error).message}`);
  }
  try {
    return { set: decodeDigits(bytes), bytes: bytes.length };
  } catch (e) {
    throw new TrainerLoadError('data', `${url} is not a digit file: ${(e as Error).message}`);
  }
}

export interface LoadedTrainerVae {
  vae: TinyVAE;
  /** Eq. vae-scale: the DiT trains on scaleFactor * E(x). */
  scaleFactor: number;
}

/** Downloads, checks and builds the shipped VAE, which encodes the digits and decodes the samples (shards come from the model cache when present). */
export async function loadTrainerVae(baseUrl: string, env: { fetch: FetchLike; cache: CacheLike | null }): Promise<LoadedTrainerVae> {
  const folder = joinUrl(baseUrl, DEFAULT_VAE);
  let shards: ArrayBuffer[];
  let manifest;
  let commit: () => Promise<void>;
  try {
    manifest = await fetchManifest(folder, env);
    const f = await fetchFolder(folder, env, undefined, manifest);
    shards = f.shards;
    commit = f.commit;
  } catch (e) {
    throw new TrainerLoadError('weights', `the VAE could not be loaded: ${(e as Error).message}`);
  }
  const scaleFactor = vaeScaleFactor(manifest);
  if (scaleFactor === null) throw new TrainerLoadError('weights', `${folder}/model.json states no latent scale factor`);
  let vae: TinyVAE;
  try {
    vae = buildTinyVae(manifest, shards);
  } catch (e) {
    throw new TrainerLoadError('weights', `the VAE's weights do not fit the network: ${(e as Error).message}`);
  }
  await commit();
  return { vae, scaleFactor };
}
