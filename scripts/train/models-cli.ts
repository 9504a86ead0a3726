/**
 * `npm run cli -- train vae|classifier [--steps N] [--batch N] [--seed N] [--fresh] [--no-ship]`:
 * trains (resumably) and then evaluates and ships the tiny VAE or the evaluation classifier, by
 * running scripts/train/{vae,classifier}.ts and the matching *-export.ts as child processes (they are
 * top-level-await scripts). The classifier's export needs the VAE shipped first (for the FLD floor).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export type AuxModel = 'vae' | 'classifier';

export function isAuxModel(name: string | undefined): name is AuxModel {
  return name === 'vae' || name === 'classifier';
}

function run(script: string, argv: string[]): void {
  const r = spawnSync(process.execPath, ['--import', 'tsx', script, ...argv], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error(`${script} exited with ${r.status ?? r.signal}`);
}

/** options: --steps --batch --lr --seed (passed to training), --fresh, --no-ship. */
export function runAuxTrain(name: AuxModel, options: Record<string, string | boolean>): unknown {
  const pass: string[] = [];
  for (const k of ['steps', 'batch', 'lr', 'seed']) if (typeof options[k] === 'string') pass.push(`--${k}`, options[k] as string);
  if (options.fresh === true) pass.push('--fresh');
  run(`scripts/train/${name}.ts`, pass);
  if (options['no-ship'] === true) return { trained: name };
  run(`scripts/train/${name}-export.ts`, []);
  const m = JSON.parse(readFileSync(`public/models/${name}-v1/manifest.json`, 'utf8'));
  return { shipped: `public/models/${name}-v1`, metrics: m.metrics, ...(name === 'vae' ? { scaleFactor: m.scaleFactor } : {}) };
}
