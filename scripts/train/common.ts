/**
 * Helpers shared by the VAE and classifier scripts: a finished run and its EMA weights, PNG grids of digits, the git commit, and the manifest.json writer.
 */
import { execSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PNG } from 'pngjs';
import { tf } from '../../lib/tf';
import { decodeCheckpoint } from '../../lib/train/checkpoint';
import type { TrainerMeta } from '../../lib/train/loop';
import type { StateDictNet } from '../../lib/weights';

/** The EMA weights (or live weights with which='param') of a checkpoint file, as tensors by key. */
export function checkpointWeights(file: string, which: 'ema' | 'param' = 'ema'): { meta: TrainerMeta; tensors: Record<string, tf.Tensor> } {
  const ck = decodeCheckpoint<TrainerMeta>(new Uint8Array(readFileSync(file)));
  const tensors: Record<string, tf.Tensor> = {};
  for (const t of ck.tensors) if (t.name.startsWith(`${which}/`)) tensors[t.name.slice(which.length + 1)] = tf.tensor(t.data, t.shape);
  if (Object.keys(tensors).length === 0) throw new Error(`${file} has no '${which}' weights`);
  return { meta: ck.meta, tensors };
}

/** A finished (or, for a look, partial) run's recipe as its training script wrote it to recipe.json. */
export interface RunRecipe<C> {
  config: C;
  optimizer: Record<string, unknown>;
  ema: Record<string, unknown> | null;
}

/**
 * The run in `dir`: its recipe.json (written when the run ends; a partial run gets `config` and a
 * plain AdamW recipe), the checkpoint's meta, and the network `make` builds, with the EMA weights.
 */
export function loadRun<C, N extends StateDictNet>(dir: string, config: C, make: (c: C) => N): { recipe: RunRecipe<C>; config: C; meta: TrainerMeta; net: N } {
  const file = join(dir, 'recipe.json');
  const recipe: RunRecipe<C> = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : { config, optimizer: { name: 'AdamW' }, ema: null };
  const c = recipe.config ?? config;
  const { meta, tensors } = checkpointWeights(join(dir, 'train.ckpt'), 'ema');
  const net = make(c);
  try {
    net.loadStateDict(tensors);
  } finally {
    tf.dispose(Object.values(tensors));
  }
  return { recipe, config: c, meta, net };
}

/** Writes images (count, size, size) in [-1, 1] as a grid PNG, `cols` per row, scaled up by `zoom`. */
export function writeDigitGrid(file: string, images: Float32Array, count: number, cols: number, size = 32, zoom = 2): void {
  const rows = Math.ceil(count / cols);
  const gap = 2;
  const w = cols * (size * zoom + gap) + gap;
  const h = rows * (size * zoom + gap) + gap;
  const png = new PNG({ width: w, height: h });
  png.data.fill(255);
  for (let k = 0; k < count; k++) {
    const ox = gap + (k % cols) * (size * zoom + gap);
    const oy = gap + Math.floor(k / cols) * (size * zoom + gap);
    for (let r = 0; r < size * zoom; r++) {
      for (let c = 0; c < size * zoom; c++) {
        const v = images[k * size * size + Math.floor(r / zoom) * size + Math.floor(c / zoom)];
        const g = Math.round(Math.min(1, Math.max(0, (v + 1) / 2)) * 255);
        const i = ((oy + r) * w + ox + c) * 4;
        png.data[i] = png.data[i + 1] = png.data[i + 2] = 255 - g; // ink dark on white
        png.data[i + 3] = 255;
      }
    }
  }
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, PNG.sync.write(png));
}

export function gitCommit(): string {
  try {
    return execSync('git rev-parse HEAD', { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

export function writeJson(file: string, value: unknown): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(value, null, 2) + '\n');
}

/** PSNR in dB of a mean squared error for signals in [-1, 1] (peak-to-peak 2, i.e. the same as [0, 1] data). */
export function psnr(mse: number): number {
  return 10 * Math.log10(4 / mse);
}
