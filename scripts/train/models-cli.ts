/**
 * `npm run cli -- train vae|classifier [--steps N] [--batch N] [--seed N] [--fresh] [--no-ship]`:
 * trains (resumably) and then evaluates and ships the tiny VAE or the evaluation classifier, by
 * running scripts/train/{vae,classifier}.ts and the matching *-export.ts as child processes (they are
 * top-level-await scripts). The classifier's export needs the VAE shipped first (for the FLD floor).
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

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

/** Runs a script as a child process without blocking (for two trainings at once, one core each). */
function runAsync(script: string, argv: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', script, ...argv], { stdio: ['ignore', 'inherit', 'inherit'] });
    p.on('error', reject);
    p.on('close', (code, signal) => (code === 0 ? resolve() : reject(new Error(`${script} exited with ${code ?? signal}`))));
  });
}

/** Where `train all` keeps the VAE's and the classifier's checkpoints and shipped folders. */
export interface AuxRoots {
  /** Default `checkpoints`. */
  checkpointRoot?: string;
  /** Default `public/models`. */
  modelsRoot?: string;
}

/**
 * The first half of `train all`: the VAE and the classifier train at the same time (one core each,
 * resumably, with their scripts' default recipes unless `steps` caps both), then the VAE ships, then
 * the classifier (its export measures the FLD floor of VAE reconstructions, so it needs the shipped
 * VAE). Every DiT needs both.
 */
export async function trainAuxModels(options: { fresh?: boolean; ship?: boolean; steps?: number } & AuxRoots): Promise<unknown[]> {
  const ckpt = (name: AuxModel) => join(options.checkpointRoot ?? 'checkpoints', `${name}-v1`);
  const out = (name: AuxModel) => join(options.modelsRoot ?? 'public/models', `${name}-v1`);
  const pass = (name: AuxModel) => [
    '--dir',
    ckpt(name),
    ...(options.steps === undefined ? [] : ['--steps', String(options.steps)]),
    ...(options.fresh ? ['--fresh'] : []),
  ];
  await Promise.all([runAsync('scripts/train/vae.ts', pass('vae')), runAsync('scripts/train/classifier.ts', pass('classifier'))]);
  if (options.ship === false) return [{ trained: 'vae' }, { trained: 'classifier' }];
  const shipped: unknown[] = [];
  for (const name of ['vae', 'classifier'] as const) {
    run(`scripts/train/${name}-export.ts`, ['--dir', ckpt(name), '--out', out(name), ...(name === 'classifier' ? ['--vae', out('vae')] : [])]);
    const m = JSON.parse(readFileSync(join(out(name), 'manifest.json'), 'utf8'));
    shipped.push({ shipped: out(name), metrics: m.metrics });
  }
  return shipped;
}
