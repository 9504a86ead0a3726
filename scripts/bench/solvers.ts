/**
 * How many steps each sampler needs. The default model draws the same
 * 1,000 samples (balanced labels, guidance 4, the manifest's seed) with DDIM at 50 steps, the
 * reference, and with DDIM and DPM-Solver++(2M) at 10, 15, 20 and 25 steps; the shipped classifier
 * scores each set (conditional accuracy and FLD, lib/metrics/evaluator.ts). Writes
 * scripts/bench/results-solvers.json (committed), which chapter 7 quotes.
 *
 *   npx tsx scripts/bench/solvers.ts [--n 1000] [--threads 2]
 *
 * Sampled chunks are cached (lib/sample/cache.ts), so a run killed midway resumes.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setNodeBackend } from '../../lib/node-backend';
import type { DiTManifest } from '../../lib/train/dit-manifest';
import type { SamplerName } from '../../lib/sample/settings';
import { intOption, parseArgs } from '../cli/args';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const MODEL = path.join(repo, 'public/models/dit-default-v1');
export const SOLVER_RESULTS = path.join(repo, 'scripts/bench/results-solvers.json');

export interface SolverRow {
  sampler: SamplerName;
  steps: number;
  /** Network evaluations per sample (two per step with guidance: conditional and unconditional). */
  nfe: number;
  conditionalAccuracy: number;
  fld: number;
  /** Wall seconds to draw the n samples here (0 when every chunk came from the cache). */
  seconds: number;
}

export interface SolverBench {
  model: string;
  workload: string;
  n: number;
  rows: SolverRow[];
  measured: string;
  machine: string;
  command: string;
}

const { options } = parseArgs(process.argv.slice(2));
const n = intOption(options, 'n', 1000);
const threads = intOption(options, 'threads', 2) === 1 ? 1 : 2;
const RUNS: { sampler: SamplerName; steps: number }[] = [
  { sampler: 'ddim', steps: 50 },
  ...[10, 15, 20, 25].flatMap((steps) => [
    { sampler: 'dpm++2m' as const, steps },
    { sampler: 'ddim' as const, steps },
  ]),
];

await setNodeBackend('wasm');
const manifest = JSON.parse(readFileSync(path.join(MODEL, 'manifest.json'), 'utf8')) as DiTManifest;
const { loadShippedVAE } = await import('../../lib/train/dit-latents');
const { loadEvaluator } = await import('../../lib/metrics/evaluator');
const { sampleImagesByName, balancedLabels } = await import('../../lib/sample/node');
const { SampleCache } = await import('../../lib/sample/cache');
const vae = loadShippedVAE(manifest.latents.vae);
const ev = loadEvaluator(vae);
vae.vae.dispose();
const labels = balancedLabels(n);
const cache = new SampleCache();
const e = manifest.evaluation;
const rows: SolverRow[] = [];
try {
  for (const run of RUNS) {
    const t0 = Date.now();
    const images = await sampleImagesByName(
      MODEL,
      undefined,
      { labels, steps: run.steps, sampler: run.sampler, cfgScale: e.cfgScale, seed: e.seed, eta: 0 },
      threads,
      (s) => process.stderr.write(`${run.sampler} ${run.steps}: ${s.trim()}\n`),
      cache,
    );
    const m = ev.score(images, labels);
    const row = { ...run, nfe: 2 * run.steps, conditionalAccuracy: m.conditionalAccuracy, fld: m.fld, seconds: (Date.now() - t0) / 1000 };
    rows.push(row);
    console.log(
      `${run.sampler} ${run.steps} steps: accuracy ${(100 * m.conditionalAccuracy).toFixed(1)}%, FLD ${m.fld.toFixed(1)} (${row.seconds.toFixed(0)} s)`,
    );
  }
} finally {
  ev.dispose();
}
cache.removeUsed();

const result: SolverBench = {
  model: 'dit-default-v1',
  workload: `${n} samples, balanced labels, guidance scale ${e.cfgScale}, seed ${e.seed}, eta 0; scored by ${ev.classifierName}`,
  n,
  rows,
  measured: new Date().toISOString(),
  machine: `${os.cpus()[0]?.model ?? 'cpu'} x${os.cpus().length}, Node ${process.version}, tfjs-wasm, ${threads} thread(s)`,
  command: `npx tsx scripts/bench/solvers.ts --n ${n} --threads ${threads}`,
};
mkdirSync(path.dirname(SOLVER_RESULTS), { recursive: true });
writeFileSync(SOLVER_RESULTS, JSON.stringify(result, null, 1) + '\n');
console.log(`wrote ${path.relative(repo, SOLVER_RESULTS)}`);
