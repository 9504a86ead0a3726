/**
 * Runs one DiT recipe (dit-recipes.ts) on the cached VAE latents with the generic loop, resumably:
 * the whole training state goes to checkpoints/dit-<name>/latest.ckpt every few minutes and on
 * SIGINT/SIGTERM, and a rerun continues from it (bit-identical to an uninterrupted run, see
 * tests/unit/train/ditTask.test.ts).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tf } from '../../lib/tf';
import { DiT } from '../../lib/dit/model';
import { createDiffusion } from '../../lib/diffusion/respace';
import { createDiTTask, type LatentDataset } from '../../lib/train/ditTask';
import { Trainer, type TrainerMeta } from '../../lib/train/loop';
import { decodeCheckpoint } from '../../lib/train/checkpoint';
import { ProgressBar } from '../../lib/train/progress';
import type { DiTRecipe } from './dit-recipes';

export const CHECKPOINT_ROOT = 'checkpoints';

export function checkpointDir(r: DiTRecipe): string {
  return join(CHECKPOINT_ROOT, `dit-${r.name}`);
}

export function checkpointPath(r: DiTRecipe): string {
  return join(checkpointDir(r), 'latest.ckpt');
}

/** Linear warm-up to the peak over warmupSteps, then constant (see dit-recipes.ts). */
export function warmupConstant(peak: number, warmup: number): (step: number) => number {
  return (step) => (step < warmup ? (peak * (step + 1)) / warmup : peak);
}

export function makeTrainer(r: DiTRecipe, data: LatentDataset): { model: DiT; trainer: Trainer<ReturnType<ReturnType<typeof createDiTTask>['makeBatch']>> } {
  const model = new DiT(r.config, r.seed);
  const diffusion = createDiffusion({ learnSigma: r.config.learnSigma });
  const task = createDiTTask(model, diffusion, data, { latentMode: data.std ? 'posterior' : 'mean' });
  const trainer = new Trainer(task, {
    seed: r.seed, batchSize: r.batchSize, totalSteps: r.steps, lr: warmupConstant(r.lr, r.warmupSteps),
    ema: { decay: r.emaDecay, warmup: true },
  });
  return { model, trainer };
}

function writeAtomic(path: string, bytes: Uint8Array | string): void {
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, path);
}

export interface TrainRunOptions {
  /** Stop at this step instead of the recipe's (it is still the planned total for the progress bar). */
  until?: number;
  /** Stop (with a checkpoint) once the wall clock passes this time (ms since epoch). */
  stopAt?: number;
  checkpointEverySeconds?: number;
  log?: (s: string) => void;
}

export interface TrainRunResult {
  meta: TrainerMeta;
  finished: boolean;
}

/** Trains (or resumes) a recipe and leaves its latest checkpoint on disk. */
export async function trainDiT(r: DiTRecipe, data: LatentDataset, opts: TrainRunOptions = {}): Promise<TrainRunResult> {
  const log = opts.log ?? ((s: string) => process.stderr.write(s + '\n'));
  const dir = checkpointDir(r);
  mkdirSync(dir, { recursive: true });
  const { model, trainer } = makeTrainer(r, data);
  try {
    const ck = checkpointPath(r);
    if (existsSync(ck)) {
      const b = readFileSync(ck);
      trainer.restore(new Uint8Array(b.buffer, b.byteOffset, b.byteLength));
      log(`${r.name}: resumed from ${ck} at step ${trainer.step}`);
    }
    writeFileSync(join(dir, 'recipe.json'), JSON.stringify(r, null, 1));
    const until = Math.min(opts.until ?? r.steps, r.steps);
    if (trainer.step >= until) return { meta: trainer.meta(), finished: trainer.step >= r.steps };
    let stop = false;
    const onSignal = () => { stop = true; log(`${r.name}: signal received, checkpointing after this step`); };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    try {
      await trainer.run({
        until,
        checkpointEverySeconds: opts.checkpointEverySeconds ?? 180,
        progress: new ProgressBar({ total: r.steps, sink: process.stderr, label: r.name, every: 25 }),
        shouldStop: () => stop || (opts.stopAt !== undefined && Date.now() >= opts.stopAt),
        onCheckpoint: (bytes, meta) => {
          writeAtomic(ck, bytes);
          writeAtomic(join(dir, 'status.json'), JSON.stringify({ step: meta.step, totalSteps: r.steps, wallSeconds: meta.wallSeconds, savedAt: new Date().toISOString(), lastLoss: meta.lossLog.at(-1) }, null, 1));
        },
      });
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
    log(`${r.name}: checkpoint at step ${trainer.step} of ${r.steps} (${trainer.wallSeconds.toFixed(0)} s of training)`);
    return { meta: trainer.meta(), finished: trainer.step >= r.steps };
  } finally {
    trainer.dispose();
    model.dispose();
  }
}

/**
 * The raw and the EMA weights of a recipe's latest checkpoint as two DiTs (caller disposes), with
 * the checkpoint's meta. The frozen pos_embed is not in a checkpoint; the DiT constructor builds it.
 */
export function loadCheckpointModels(r: DiTRecipe): { raw: DiT; ema: DiT; meta: TrainerMeta } {
  const path = checkpointPath(r);
  if (!existsSync(path)) throw new Error(`no checkpoint for '${r.name}' at ${path}: run \`npm run cli -- train ${r.name}\` first`);
  const b = readFileSync(path);
  const ck = decodeCheckpoint<TrainerMeta>(new Uint8Array(b.buffer, b.byteOffset, b.byteLength));
  const build = (prefix: string): DiT => {
    const m = new DiT(r.config, r.seed);
    try {
      const tensors: Record<string, tf.Tensor> = { pos_embed: m.stateDict().pos_embed };
      for (const t of ck.tensors) if (t.name.startsWith(prefix + '/')) tensors[t.name.slice(prefix.length + 1)] = tf.tensor(t.data, t.shape);
      try {
        m.loadStateDict(tensors);
      } finally {
        tf.dispose(Object.entries(tensors).filter(([k]) => k !== 'pos_embed').map(([, t]) => t));
      }
      return m;
    } catch (e) {
      m.dispose();
      throw e;
    }
  };
  const raw = build('param');
  try {
    return { raw, ema: build('ema'), meta: ck.meta };
  } catch (e) {
    raw.dispose();
    throw e;
  }
}
