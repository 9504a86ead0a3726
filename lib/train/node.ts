/**
 * Node-only driver around Trainer: resumes from <dir>/train.ckpt when it exists, writes checkpoints
 * atomically (temp file + rename) every few minutes and on SIGINT/SIGTERM, appends every step to
 * <dir>/steps.jsonl, and draws the progress bar on stderr.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync, appendFileSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import type { Trainer } from './loop';
import { ProgressBar } from './progress';

export interface NodeRunOptions {
  dir: string;
  label: string;
  checkpointEverySeconds?: number;
  /** Start over even if a checkpoint exists. */
  fresh?: boolean;
  /** Non-TTY progress: one line per this many steps. */
  progressEvery?: number;
}

export function checkpointPath(dir: string): string {
  return join(dir, 'train.ckpt');
}

/** Trains to trainer.opts.totalSteps, resuming if possible. Returns whether the run completed. */
export async function runWithCheckpoints<B>(trainer: Trainer<B>, o: NodeRunOptions): Promise<boolean> {
  mkdirSync(o.dir, { recursive: true });
  const ckPath = checkpointPath(o.dir);
  const logPath = join(o.dir, 'steps.jsonl');
  if (!o.fresh && existsSync(ckPath)) {
    trainer.restore(new Uint8Array(readFileSync(ckPath)));
    process.stderr.write(`${o.label}: resumed from ${ckPath} at step ${trainer.step} (${trainer.wallSeconds.toFixed(0)} s so far)\n`);
    // Drop log lines written after the checkpoint, so the log matches the restored run.
    const kept = trainer.lossLog.map((l) => JSON.stringify(l)).join('\n');
    writeFileSync(logPath, kept ? kept + '\n' : '');
  } else if (existsSync(logPath)) {
    truncateSync(logPath, 0);
  }
  let stop = false;
  const onSignal = (sig: string) => {
    process.stderr.write(`\n${o.label}: ${sig}, saving a checkpoint and stopping\n`);
    stop = true;
  };
  const onInt = () => onSignal('SIGINT');
  const onTerm = () => onSignal('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  try {
    await trainer.run({
      checkpointEverySeconds: o.checkpointEverySeconds ?? 180,
      progress: new ProgressBar({ total: trainer.opts.totalSteps, sink: process.stderr, label: o.label, every: o.progressEvery ?? 25 }),
      onStep: (log) => appendFileSync(logPath, JSON.stringify(log) + '\n'),
      onCheckpoint: (bytes) => {
        writeFileSync(ckPath + '.tmp', bytes);
        renameSync(ckPath + '.tmp', ckPath);
      },
      shouldStop: () => stop,
    });
  } finally {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
  }
  return trainer.step >= trainer.opts.totalSteps;
}

/** --name value / --flag command-line options. */
/** Numeric options with their defaults: `--steps 100` overrides defaults.steps. */
export function numberOptions<K extends string>(args: Record<string, string | true>, defaults: Record<K, number>): Record<K, number> {
  const out = { ...defaults };
  for (const k of Object.keys(defaults) as K[]) {
    const v = args[k];
    if (typeof v === 'string') out[k] = Number(v);
  }
  return out;
}

export function parseArgs(argv: string[]): Record<string, string | true> {
  const out: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) continue;
    const next = argv[i + 1];
    if (next !== undefined && !next.startsWith('--')) {
      out[a.slice(2)] = next;
      i++;
    } else out[a.slice(2)] = true;
  }
  return out;
}
