/**
 * Saving and loading a DiT: its state_dict in the tfjs weights-manifest format (lib/weights), with the
 * configuration in the manifest's metadata so a folder is self-describing.
 */
import { configFromManifest } from './config';
import { DiT } from './model';
import { parameterShapes } from './params';
import { buildFromWeights, saveWeights, type SaveOptions, type WeightsManifestFile } from '../weights';

export async function saveDiT(model: DiT, opts: Omit<SaveOptions, 'metadata'> & { metadata?: Record<string, unknown> } = {}) {
  return saveWeights(model.stateDict(), { ...opts, metadata: { ...opts.metadata, kind: 'DiT', config: model.config } });
}

/** Builds a DiT from a manifest and its shards; every name and shape is checked first. */
export function loadDiT(manifest: WeightsManifestFile, shards: ArrayBuffer[], config = configFromManifest(manifest)): DiT {
  return buildFromWeights(manifest, shards, parameterShapes(config), () => new DiT(config));
}
