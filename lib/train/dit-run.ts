/**
 * Runs one DiT recipe (dit-recipes.ts) on the cached VAE latents with the generic loop, resumably:
 * the whole training state goes to checkpoints/dit-<name>/latest.ckpt every few minutes and on
 * SIGINT/SIGTERM, and a rerun continues from it (bit-identical to an uninterrupted run, see
 * tests/unit/train/dit-task.test.ts).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tf } from '../tf';
import { DiT } from '../dit/model';
import { ditTrainingParts, type DiTBatch, type DiTTrainingSetup, type LatentDataset } from './dit-task';
import { Trainer, type TrainerMeta } from './loop';
import { decodeCheckpoint } from './checkpoint';
import { runWithCheckpoints, checkpointPath as nodeCheckpointPath } from './node';
import type { DiTRecipe } from './dit-recipes';
import { warmupConstant } from './browser-recipe';

/** Where runs keep their state (DIT_CHECKPOINT_ROOT overrides it, e.g. for a dry run). */
export const CHECKPOINT_ROOT = process.env.DIT_CHECKPOINT_ROOT ?? 'checkpoints';

export function checkpointDir(r: DiTRecipe): string {
  return join(CHECKPOINT_ROOT, `dit-${r.name}`);
}

export function checkpointPath(r: DiTRecipe): string {
  return nodeCheckpointPath(checkpointDir(r));
}

// Linear warm-up to the peak over warmupSteps, then constant (see dit-recipes.ts); the in-browser
// trainer uses the same function.
export { warmupConstant };

function setup(r: DiTRecipe, totalSteps: number): DiTTrainingSetup {
  return {
    config: r.config,
    seed: r.seed,
    batchSize: r.batchSize,
    microBatch: r.microBatch,
    totalSteps,
    lr: r.lr,
    warmupSteps: r.warmupSteps,
    emaDecay: r.emaDecay,
  };
}

export function makeTrainer(r: DiTRecipe, data: LatentDataset, totalSteps = r.steps): { model: DiT; trainer: Trainer<DiTBatch> } {
  const { model, task, options } = ditTrainingParts(setup(r, totalSteps), data);
  return { model, trainer: new Trainer(task, options) };
}

/** makeTrainer with `threads` 2: the data-parallel trainer (data-parallel.ts), one worker thread per extra core. */
export async function makeTrainerThreads(
  r: DiTRecipe,
  data: LatentDataset,
  totalSteps = r.steps,
  threads: 1 | 2 = 1,
): Promise<{ model: DiT; trainer: Trainer<DiTBatch> }> {
  if (threads === 1) return makeTrainer(r, data, totalSteps);
  const { DataParallelDiTTrainer } = await import('./data-parallel');
  const { model, diffusion, task, options } = ditTrainingParts(setup(r, totalSteps), data);
  const trainer = await DataParallelDiTTrainer.create(task, model, diffusion, options);
  return { model, trainer };
}

export interface TrainRunOptions {
  /** 2: split each batch between this thread and a worker thread (both cores). */
  threads?: 1 | 2;
  /** Stop at this step instead of the recipe's (a later run continues to the recipe's). */
  until?: number;
  /** Stop (with a checkpoint) once the wall clock passes this time (ms since epoch). */
  stopAt?: number;
  checkpointEverySeconds?: number;
}

export interface TrainRunResult {
  meta: TrainerMeta;
  finished: boolean;
}

/**
 * Trains (or resumes) a recipe with the shared Node driver (lib/train/node.ts: resume, atomic
 * checkpoints every few minutes and on SIGINT/SIGTERM, steps.jsonl) and leaves its checkpoint on disk.
 */
export async function trainDiT(r: DiTRecipe, data: LatentDataset, opts: TrainRunOptions = {}): Promise<TrainRunResult> {
  const until = Math.min(opts.until ?? r.steps, r.steps);
  const { model, trainer } = await makeTrainerThreads(r, data, until, opts.threads ?? 1);
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    mkdirSync(checkpointDir(r), { recursive: true });
    writeFileSync(join(checkpointDir(r), 'recipe.json'), JSON.stringify(r, null, 1));
    // --stop-at: the driver's SIGTERM handler checkpoints and stops after the current step.
    if (opts.stopAt !== undefined) timer = setTimeout(() => process.kill(process.pid, 'SIGTERM'), Math.max(0, opts.stopAt - Date.now()));
    await runWithCheckpoints(trainer, { dir: checkpointDir(r), label: r.name, checkpointEverySeconds: opts.checkpointEverySeconds ?? 180 });
    return { meta: trainer.meta(), finished: trainer.step >= r.steps };
  } finally {
    if (timer) clearTimeout(timer);
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
        tf.dispose(
          Object.entries(tensors)
            .filter(([k]) => k !== 'pos_embed')
            .map(([, t]) => t),
        );
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
