/**
 * A VAE folder's network: the configuration its model.json states (VAE_V1 when absent) and the tiny
 * VAE built from its shards, names and shapes checked (lib/weights buildFromWeights).
 */
import { buildFromWeights, type WeightsManifestFile } from '../weights';
import { VAE_V1, parameterShapes, type VAEConfig } from './config';
import { TinyVAE } from './model';

export function vaeConfigOf(manifest: WeightsManifestFile): VAEConfig {
  return (manifest.userDefinedMetadata?.config as VAEConfig | undefined) ?? VAE_V1;
}

/** The tiny VAE of a folder's manifest and shards; the caller disposes it. */
export function buildTinyVae(manifest: WeightsManifestFile, shards: ArrayBuffer[]): TinyVAE {
  const config = vaeConfigOf(manifest);
  return buildFromWeights(manifest, shards, parameterShapes(config), () => new TinyVAE(config));
}
