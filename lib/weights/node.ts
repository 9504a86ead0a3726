/**
 * Node-only: write and read a weights folder (model.json + group1-shardKofN.bin) on disk.
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { tf } from '../tf';
import { saveWeights, loadWeights, manifestSpecs, type SaveOptions, type ShapeMap, type WeightsManifestFile } from './index';

export async function writeWeightsDir(dir: string, tensors: Record<string, tf.Tensor>, opts: SaveOptions = {}): Promise<WeightsManifestFile> {
  const { manifest, shards } = await saveWeights(tensors, opts);
  mkdirSync(dir, { recursive: true });
  const paths = manifest.weightsManifest[0].paths;
  shards.forEach((s, i) => writeFileSync(join(dir, paths[i]), new Uint8Array(s)));
  writeFileSync(join(dir, 'model.json'), JSON.stringify(manifest, null, 1));
  return manifest;
}

/** A folder's model.json (checked to be a weights manifest) and its shards, in manifest order. */
export function readFolderFiles(dir: string): { manifest: WeightsManifestFile; shards: ArrayBuffer[] } {
  const file = join(dir, 'model.json');
  if (!existsSync(file)) throw new Error(`no model.json in ${dir}`);
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as WeightsManifestFile;
  manifestSpecs(manifest);
  const shards = manifest.weightsManifest
    .flatMap((g) => g.paths)
    .map((p) => {
      const f = join(dir, p);
      if (!existsSync(f)) throw new Error(`${dir}: missing shard ${f}`);
      const b = readFileSync(f);
      return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
    });
  return { manifest, shards };
}

export function readWeightsDir(dir: string, expected?: ShapeMap): { manifest: WeightsManifestFile; tensors: Record<string, tf.Tensor> } {
  const { manifest, shards } = readFolderFiles(dir);
  return { manifest, tensors: loadWeights(manifest, shards, expected) };
}
