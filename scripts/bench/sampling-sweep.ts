/**
 * What the sampler's settings buy, measured: the default model draws the same 1,000 samples
 * (balanced labels, the manifest's seed) under each setting of a sweep, and the shipped classifier
 * scores each set (conditional accuracy and FLD, lib/metrics/evaluator.ts).
 *
 *   npx tsx scripts/bench/sampling-sweep.ts --sweep solvers|guidance|protocol [--n 1000] [--threads 2]
 *
 * solvers   DDIM at 50 steps, the reference, and DDIM and DPM-Solver++(2M) at 10, 15, 20 and 25
 *           steps, guidance 4: scripts/bench/results-solvers.json, which chapter 7 quotes.
 * guidance  DDIM at 50 steps with guidance scale 1 (none), 1.5, 2, 3, 4 and 6:
 *           scripts/bench/results-guidance.json.
 * protocol  the conditioning and scaling-grid models scored as the paper scores them, without
 *           guidance (DDIM at 50 steps, scale 1), each with its manifest's evaluation seed; their
 *           manifests hold the guidance-4 scores of the same kind: scripts/bench/results-protocol.json.
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

export interface SweepRow {
  /** The model folder under public/models/ (the default model when absent). */
  model?: string;
  sampler: SamplerName;
  steps: number;
  cfgScale: number;
  /** Network evaluations per sample (two per step with guidance, conditional and unconditional; one at scale 1). */
  nfe: number;
  conditionalAccuracy: number;
  fld: number;
  /** Wall seconds to draw the n samples here (0 when every chunk came from the cache). */
  seconds: number;
}

export interface SweepBench {
  model: string;
  workload: string;
  n: number;
  rows: SweepRow[];
  measured: string;
  machine: string;
  command: string;
}

type Run = Pick<SweepRow, 'model' | 'sampler' | 'steps' | 'cfgScale'>;
const COMPARED = [
  ...['in-context', 'cross-attention', 'adaln', 'adaln-zero'].map((c) => `dit-cond-${c}-v1`),
  ...['s', 'b', 'l'].flatMap((size) => [1, 2, 4].map((p) => `dit-scale-${size}-p${p}-v1`)),
];
const SWEEPS: Record<string, { runs: Run[]; file: string }> = {
  solvers: {
    runs: [
      { sampler: 'ddim', steps: 50, cfgScale: 4 },
      ...[10, 15, 20, 25].flatMap((steps) => [
        { sampler: 'dpm++2m' as const, steps, cfgScale: 4 },
        { sampler: 'ddim' as const, steps, cfgScale: 4 },
      ]),
    ],
    file: 'scripts/bench/results-solvers.json',
  },
  guidance: {
    runs: [1, 1.5, 2, 3, 4, 6].map((cfgScale) => ({ sampler: 'ddim' as const, steps: 50, cfgScale })),
    file: 'scripts/bench/results-guidance.json',
  },
  protocol: {
    runs: COMPARED.map((model) => ({ model, sampler: 'ddim' as const, steps: 50, cfgScale: 1 })),
    file: 'scripts/bench/results-protocol.json',
  },
};

const { options } = parseArgs(process.argv.slice(2));
const sweepName = String(options.sweep ?? '');
const sweep = SWEEPS[sweepName];
if (!sweep) throw new Error(`--sweep is one of ${Object.keys(SWEEPS).join(', ')}`);
const n = intOption(options, 'n', 1000);
const threads = intOption(options, 'threads', 2) === 1 ? 1 : 2;

await setNodeBackend('wasm');
const folder = (run: Run) => (run.model ? path.join(repo, 'public/models', run.model) : MODEL);
const manifestOf = (dir: string) => JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as DiTManifest;
const manifest = manifestOf(MODEL);
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
const rows: SweepRow[] = [];
try {
  for (const run of sweep.runs) {
    const t0 = Date.now();
    const m0 = manifestOf(folder(run));
    // One evaluator for all: every compared model must share the default model's VAE.
    if (m0.latents.vaeHash !== manifest.latents.vaeHash) throw new Error(`${run.model} was trained on another VAE`);
    const images = await sampleImagesByName(
      folder(run),
      undefined,
      { labels, steps: run.steps, sampler: run.sampler, cfgScale: run.cfgScale, seed: m0.evaluation.seed, eta: 0 },
      threads,
      (s) => process.stderr.write(`${run.model ?? ''} ${run.sampler} ${run.steps} s=${run.cfgScale}: ${s.trim()}\n`),
      cache,
    );
    const m = ev.score(images, labels);
    const row = {
      ...run,
      nfe: (run.cfgScale === 1 ? 1 : 2) * run.steps,
      conditionalAccuracy: m.conditionalAccuracy,
      fld: m.fld,
      seconds: (Date.now() - t0) / 1000,
    };
    rows.push(row);
    console.log(
      `${run.model ?? 'dit-default-v1'} ${run.sampler} ${run.steps} steps, guidance ${run.cfgScale}: accuracy ${(100 * m.conditionalAccuracy).toFixed(1)}%, FLD ${m.fld.toFixed(1)} (${row.seconds.toFixed(0)} s)`,
    );
  }
} finally {
  ev.dispose();
}
cache.removeUsed();

const result: SweepBench = {
  model: sweepName === 'protocol' ? 'the models in each row' : 'dit-default-v1',
  workload: `${n} samples, balanced labels, seed ${e.seed}, eta 0; scored by ${ev.classifierName}`,
  n,
  rows,
  measured: new Date().toISOString(),
  machine: `${os.cpus()[0]?.model ?? 'cpu'} x${os.cpus().length}, Node ${process.version}, tfjs-wasm, ${threads} thread(s)`,
  command: `npx tsx scripts/bench/sampling-sweep.ts --sweep ${sweepName} --n ${n} --threads ${threads}`,
};
const file = path.join(repo, sweep.file);
mkdirSync(path.dirname(file), { recursive: true });
writeFileSync(file, JSON.stringify(result, null, 1) + '\n');
console.log(`wrote ${sweep.file}`);
