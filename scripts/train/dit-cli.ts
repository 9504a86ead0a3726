/**
 * `npm run cli -- train <recipe>` for the DiT recipes (lib/train/dit-recipes.ts):
 *   default                     the shipped site model (DiT-mini-B/2, adaLN-Zero, learned sigma)
 *   cond-<variant> | conditioning    the four conditioning variants, same budget
 *   scale-<s>-p<p> | scaling    the 3 x 3 scaling grid
 *   dit-all                     all of the above, two recipes at a time (both cores)
 *   vae | classifier            the other shipped models, by their own scripts
 *   all                         vae, classifier, then dit-all: every shipped model (trainAll below)
 * Options: --steps N (stop early at step N), --stop-at ISO-TIME (checkpoint and stop at that time),
 * --threads 1|2 (one recipe on one core, or each batch split over two: lib/train/data-parallel.ts), --jobs 1|2
 * (parallel training processes for groups; default 2), --no-ship (train only), --ship (evaluate and
 * ship the checkpoint now even if the run is unfinished; --select-n N samples for the raw/EMA choice).
 * Every run resumes from checkpoints/dit-<name>/train.ckpt; a finished run is then evaluated and
 * shipped (lib/train/dit-ship.ts) unless --no-ship.
 */
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { countFlops } from '../../lib/dit/flops';
import { setNodeBackend } from '../../lib/node-backend';
import type { Command } from '../cli/types';
import { checkKnown, intOption, UsageError, type ParsedArgs } from '../cli/args';
import { expandDiTRecipes, type DiTRecipe } from '../../lib/train/dit-recipes';
import { trainDiT, type TrainRunResult } from '../../lib/train/dit-run';
import { loadShippedVAE, trainLatents } from '../../lib/train/dit-latents';
import { isAuxModel, runAuxTrain, trainAuxModels } from './models-cli';

export const DIT_TRAIN_USAGE =
  'train all [--jobs 1|2] [--stop-at ISO-TIME] [--no-ship] [--root DIR] [--steps N [--select-n N] [--eval-n N]]\ntrain vae|classifier [--steps N] [--batch N] [--seed N] [--fresh] [--no-ship]\ntrain <default|cond-...|conditioning|scale-...|scaling|dit-all> [--steps N] [--stop-at ISO-TIME] [--threads 1|2] [--jobs 1|2] [--no-ship | --ship [--select-n N]]';

export function isDiTRecipeName(name: string): boolean {
  try {
    expandDiTRecipes(name);
    return true;
  } catch {
    return false;
  }
}

/** Trains one recipe in this process, then ships it if it finished. */
async function trainOne(r: DiTRecipe, args: ParsedArgs): Promise<Record<string, unknown>> {
  await setNodeBackend('wasm');
  const o = args.options;
  const v = loadShippedVAE();
  let data;
  try {
    data = trainLatents(v);
  } finally {
    v.vae.dispose();
  }
  const stopAt = typeof o['stop-at'] === 'string' ? Date.parse(o['stop-at']) : undefined;
  if (stopAt !== undefined && Number.isNaN(stopAt)) throw new UsageError(`--stop-at needs an ISO time (got ${String(o['stop-at'])})`);
  const threads = intOption(o, 'threads', 1);
  if (threads !== 1 && threads !== 2) throw new UsageError('--threads is 1 or 2');
  const res: TrainRunResult = await trainDiT(r, data, { until: o.steps === undefined ? undefined : intOption(o, 'steps'), stopAt, threads });
  const out: Record<string, unknown> = {
    recipe: r.name,
    step: res.meta.step,
    of: r.steps,
    finished: res.finished,
    wallSeconds: res.meta.wallSeconds,
    lastLoss: res.meta.lossLog.at(-1),
  };
  if ((res.finished && !o['no-ship']) || o.ship) {
    const { shipDiT } = await import('../../lib/train/dit-ship');
    out.shipped = await shipDiT(r, {
      threads,
      selectN: o['select-n'] === undefined ? undefined : intOption(o, 'select-n'),
      evalN: o['eval-n'] === undefined ? undefined : intOption(o, 'eval-n'),
    });
  }
  return out;
}

/** Runs recipes as child processes, `jobs` at a time, longest first (wasm is single-threaded in Node: one core each). */
async function trainMany(recipes: DiTRecipe[], args: ParsedArgs, jobs: number): Promise<unknown[]> {
  const passOn = Object.entries(args.options)
    .filter(([k]) => k !== 'jobs')
    .flatMap(([k, v]) => (v === true ? [`--${k}`] : [`--${k}`, v]));
  const queue = longestFirst(recipes);
  const results: unknown[] = [];
  const worker = async () => {
    for (let r = queue.shift(); r; r = queue.shift()) {
      const name = r.name;
      const code = await new Promise<number>((resolve) => {
        const p = spawn(process.execPath, [...process.execArgv, process.argv[1], 'train', name, ...passOn], { stdio: ['ignore', 'pipe', 'inherit'] });
        let text = '';
        p.stdout.on('data', (d) => {
          text += d;
        });
        p.on('close', (c) => {
          try {
            results.push(JSON.parse(text));
          } catch {
            results.push({ recipe: name, output: text.trim() });
          }
          resolve(c ?? 1);
        });
      });
      if (code !== 0) results.push({ recipe: name, exitCode: code });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(jobs, recipes.length)) }, worker));
  return results;
}

/**
 * Recipes in the order `train all` starts them: most training compute first (forward MACs x batch x
 * steps), so the longest run (L/1) does not start last and leave the other core idle for hours
 * (longest-processing-time-first scheduling on two cores). `train dit-all` and the groups use it too.
 */
export function longestFirst(recipes: DiTRecipe[]): DiTRecipe[] {
  const cost = (r: DiTRecipe) => countFlops(r.config).total * r.batchSize * r.steps;
  return [...recipes].sort((a, b) => cost(b) - cost(a));
}

/**
 * `train all`: every shipped model, the VAE and the classifier first (DiT latents and evaluation need
 * both), then the DiT recipes two at a time. --root DIR puts every checkpoint and shipped folder under
 * DIR instead of checkpoints/ and public/models/ (a reproduction beside the shipped models, to compare
 * with them); --steps N caps every model at N steps and ships it anyway (a quick rehearsal of the whole
 * pipeline: with --root, --steps 2 --select-n 10 --eval-n 20 runs in minutes).
 */
async function trainAll(args: ParsedArgs): Promise<unknown> {
  const o = args.options;
  checkKnown(o, ['jobs', 'threads', 'stop-at', 'no-ship', 'root', 'steps', 'select-n', 'eval-n']);
  if (o.root === true) throw new UsageError('--root needs a folder');
  const root = typeof o.root === 'string' ? resolve(o.root) : undefined;
  const steps = o.steps === undefined ? undefined : intOption(o, 'steps');
  // A rehearsal ships models trained for a few steps: never over the shipped ones.
  if (steps !== undefined && !root) throw new UsageError('train all --steps needs --root DIR (its models must not replace the shipped ones)');
  const modelsRoot = root ? join(root, 'models') : undefined;
  if (root) {
    // The child processes inherit these: DiT checkpoints, latent cache, VAE, classifier, shipped folders.
    process.env.DIT_CHECKPOINT_ROOT = join(root, 'checkpoints');
    process.env.DIT_MODELS_ROOT = modelsRoot;
    process.env.DIT_VAE_DIR = join(root, 'models', 'vae-v1');
    process.env.DIT_CLASSIFIER_DIR = join(root, 'models', 'classifier-v1');
  }
  const started = Date.now();
  const aux = await trainAuxModels({ ship: !o['no-ship'], steps, checkpointRoot: process.env.DIT_CHECKPOINT_ROOT, modelsRoot });
  const { root: _root, ...childOptions } = o;
  if (steps !== undefined && !o['no-ship']) childOptions.ship = true;
  const dits = await trainMany(expandDiTRecipes('dit-all'), { ...args, options: childOptions }, intOption(o, 'jobs', 2));
  return { all: [...aux, ...dits], wallSeconds: Math.round((Date.now() - started) / 1000) };
}

export async function runDiTTrain(args: ParsedArgs): Promise<unknown> {
  // The tiny VAE and the evaluation classifier (scripts/train/models-cli.ts).
  if (isAuxModel(args.positional[0])) return runAuxTrain(args.positional[0], args.options);
  const [name] = args.positional;
  if (name === 'all') return trainAll(args);
  checkKnown(args.options, ['steps', 'stop-at', 'jobs', 'threads', 'no-ship', 'ship', 'select-n', 'eval-n']);
  if (!name) throw new UsageError('train needs a recipe name');
  const recipes = expandDiTRecipes(name);
  if (recipes.length === 1 && recipes[0].name === name) return trainOne(recipes[0], args);
  return trainMany(recipes, args, intOption(args.options, 'jobs', 2));
}

export const trainCommand: Command = {
  name: 'train',
  summary: 'train a model recipe (resumable; a finished DiT run is evaluated and shipped to public/models/)',
  usage: DIT_TRAIN_USAGE,
  run: runDiTTrain,
};
