/**
 * The model-folder format, read by one rule in the browser and in Node.
 *
 * A folder is public/models/NAME-vK/ in the repository and models/NAME-vK/ on the site:
 *   model.json          TensorFlow.js's weights manifest (lib/weights) with userDefinedMetadata:
 *                       kind ('DiT', 'tiny-vae', 'latent-preview', 'classifier') and config; a VAE
 *                       also states its latent scaleFactor here
 *   group1-shardKofN.bin
 *   manifest.json       the training record the ship scripts write (scripts/train); optional to the
 *                       sampler. A DiT's names its VAE and scale factor under latents
 *
 * What a DiT folder samples with, in this order (the first stated wins):
 *   VAE folder     model.json metadata.vae, manifest.json latents.vae, then DEFAULT_VAE
 *   scale factor   model.json metadata.scaleFactor, manifest.json latents.scaleFactor, then the VAE
 *                  folder's model.json metadata.scaleFactor (vaeScaleFactor)
 *   schedule       model.json metadata.schedule and numTimesteps, else linear over 1,000 (DiT's)
 *   preset         model.json metadata.preset, manifest.json preset, else the preset the config matches
 * Development folders (scripts/bench/browser-dev-model.ts) put latents under manifest.json data.
 * The browser fetches the VAE folder at its site path; Node reads it where the DiT folder recorded it
 * (localPath: a rehearsal under --root records absolute paths).
 */
import { PRESETS, type DiTConfig } from '../dit/config';
import { configFromManifest } from '../dit/config';
import { DEFAULT_NUM_TIMESTEPS, betaSchedule, type ScheduleName } from '../diffusion/schedules';
import type { WeightsManifestFile } from '../weights';

/** The VAE a DiT folder uses unless it names another (site path). */
export const DEFAULT_VAE = 'models/vae-v1';
/** Where the site's files live in the repository. */
export const SITE_ROOT = 'public';

/** A repository path (public/models/vae-v1) or site path (models/vae-v1) as a site path. */
export function sitePath(p: string): string {
  return p.replace(/^\.?\/?public\//, '').replace(/^\/+/, '');
}

/** A site path (models/vae-v1) or repository path as a repository path (public/models/vae-v1). */
export function repoPath(p: string): string {
  return `${SITE_ROOT}/${sitePath(p)}`;
}

/**
 * Where Node finds a folder a manifest names: an absolute path (a rehearsal under --root records
 * one) as it is, a site or repository path under public/.
 */
export function localPath(p: string): string {
  return p.startsWith('/') ? p : repoPath(p);
}

type Json = Record<string, unknown>;

function positive(...xs: unknown[]): number | null {
  const v = xs.find((x) => typeof x === 'number' && Number.isFinite(x) && x > 0);
  return typeof v === 'number' ? v : null;
}

function obj(x: unknown): Json {
  return x && typeof x === 'object' && !Array.isArray(x) ? (x as Json) : {};
}

export interface DiTFolderFacts {
  config: DiTConfig;
  /** The VAE folder, as a site path. */
  vae: string;
  /** The VAE folder as the DiT folder records it (for Node: localPath). */
  vaeRecorded: string;
  /** The scale factor the DiT folder states, or null: then the VAE folder's (vaeScaleFactor). */
  scaleFactor: number | null;
  schedule: ScheduleName;
  numTimesteps: number;
  preset: string;
}

function presetName(config: DiTConfig): string {
  const same = (a: DiTConfig, b: DiTConfig) => (Object.keys(a) as (keyof DiTConfig)[]).every((k) => a[k] === b[k]);
  return Object.entries(PRESETS).find(([, c]) => same(c, config))?.[0] ?? `DiT (depth ${config.depth}, d ${config.hiddenSize}, p ${config.patchSize})`;
}

/** A DiT folder's facts from its model.json and manifest.json (null when absent). Throws when model.json holds no DiT. */
export function ditFolderFacts(modelJson: WeightsManifestFile, manifestJson: Json | null): DiTFolderFacts {
  const config = configFromManifest(modelJson);
  const meta = modelJson.userDefinedMetadata ?? {};
  const ship = manifestJson ?? {};
  const latents = { ...obj(obj(ship.data).latents), ...obj(ship.latents) };
  const vae = typeof meta.vae === 'string' ? meta.vae : typeof latents.vae === 'string' ? latents.vae : DEFAULT_VAE;
  const schedule = (typeof meta.schedule === 'string' ? meta.schedule : 'linear') as ScheduleName;
  return {
    config,
    vae: sitePath(vae),
    vaeRecorded: vae,
    scaleFactor: positive(meta.scaleFactor, latents.scaleFactor),
    schedule,
    numTimesteps: typeof meta.numTimesteps === 'number' ? meta.numTimesteps : DEFAULT_NUM_TIMESTEPS,
    preset: typeof meta.preset === 'string' ? meta.preset : typeof ship.preset === 'string' ? ship.preset : presetName(config),
  };
}

/** The training betas of a DiT folder. */
export function folderBetas(f: Pick<DiTFolderFacts, 'schedule' | 'numTimesteps'>): Float64Array {
  return betaSchedule(f.schedule, f.numTimesteps);
}

/** The scale factor a VAE folder states (model.json metadata.scaleFactor), or null. */
export function vaeScaleFactor(vaeModelJson: WeightsManifestFile): number | null {
  return positive(vaeModelJson.userDefinedMetadata?.scaleFactor);
}
