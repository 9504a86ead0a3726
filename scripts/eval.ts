/**
 * `npm run cli -- eval --model NAME`: recompute FLD and conditional accuracy of a shipped DiT from its
 * weights, with the evaluation settings its manifest.json records, and check them against the
 * manifest (accuracy within 0.5 points, FLD within 2 %). The same weights and draws should give the
 * same samples up to float rounding across backends, so this is tighter than dit-ship's quantisation rule.
 * --n N evaluates fewer samples (a prefix of the same draws: then only reported, not checked).
 * Finished sampling chunks are cached on disk (lib/sample/cache.ts), so an eval killed
 * midway resumes where it stopped; once the samples are scored, the chunks it used are deleted.
 *
 * A manifest scored on the first sampling road (no evaluation.draws: one noise stream per chunk of
 * 125 samples) is not comparable draw for draw; `--rescore` scores it on the sampling road
 * (lib/sample/run.ts: one stream per sample, seeded seed * n + i) and writes the new numbers into
 * the manifest, keeping the old ones under metrics.rescored.previous.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setNodeBackend } from '../lib/node-backend';
import type { Command } from './cli/types';
import { checkKnown, intOption, UsageError, type ParsedArgs } from './cli/args';
import { manifestProblems, SAMPLE_DRAWS, type DiTManifest } from '../lib/train/dit-manifest';

export const EVAL_TOLERANCE = { accuracy: 0.005, fldRelative: 0.02 };

export async function runEval(args: ParsedArgs): Promise<unknown> {
  const o = args.options;
  checkKnown(o, ['model', 'n', 'threads', 'rescore']);
  const rescore = o.rescore !== undefined;
  const threads = intOption(o, 'threads', 1);
  if (threads !== 1 && threads !== 2) throw new UsageError('--threads is 1 or 2');
  if (typeof o.model !== 'string') throw new UsageError('missing --model NAME (a folder in public/models/, e.g. dit-default-v1)');
  const dir = o.model.includes('/') ? o.model : join('public/models', o.model);
  const mf = join(dir, 'manifest.json');
  if (!existsSync(mf)) throw new UsageError(`no manifest at ${mf}`);
  const manifest = JSON.parse(readFileSync(mf, 'utf8')) as DiTManifest;
  const problems = manifestProblems(manifest);
  if (problems.length) throw new Error(`${mf} does not validate: ${problems.join('; ')}`);
  const n = intOption(o, 'n', manifest.evaluation.n);
  const sameRoad = manifest.evaluation.draws === SAMPLE_DRAWS;
  if (rescore && n !== manifest.metrics.shipped.n)
    throw new UsageError(`--rescore scores all ${manifest.metrics.shipped.n} samples the manifest states (not --n ${n})`);
  await setNodeBackend('wasm');
  const { loadShippedVAE } = await import('../lib/train/dit-latents');
  const { loadEvaluator } = await import('../lib/metrics/evaluator');
  const { sampleImagesByName, balancedLabels } = await import('../lib/sample/node');
  const { SampleCache } = await import('../lib/sample/cache');
  const vae = loadShippedVAE(manifest.latents.vae);
  let ev;
  try {
    if (vae.hash !== manifest.latents.vaeHash) {
      throw new Error(`the VAE in ${manifest.latents.vae} (hash ${vae.hash}) is not the one this DiT was trained on (${manifest.latents.vaeHash})`);
    }
    ev = loadEvaluator(vae);
  } finally {
    vae.vae.dispose();
  }
  try {
    const e = manifest.evaluation;
    const labels = balancedLabels(n);
    const t0 = Date.now();
    const cache = new SampleCache();
    const images = await sampleImagesByName(
      dir,
      undefined,
      { labels, steps: e.steps, sampler: e.sampler, cfgScale: e.cfgScale, seed: e.seed, eta: e.eta },
      threads,
      (s) => process.stderr.write(s + '\n'),
      cache,
    );
    const m = ev.score(images, labels);
    // Scored: the chunks would only serve an identical rerun, which gives the same numbers.
    cache.removeUsed();
    const want = manifest.metrics.shipped;
    if (rescore) {
      const scored = { fld: m.fld, conditionalAccuracy: m.conditionalAccuracy, perClassAccuracy: m.perClassAccuracy, n };
      const previous = {
        fld: want.fld,
        conditionalAccuracy: want.conditionalAccuracy,
        n: want.n,
        draws: manifest.evaluation.draws ?? 'one stream per chunk of 125 samples, seeded seed + chunk',
      };
      const next = {
        ...manifest,
        evaluation: { ...e, draws: SAMPLE_DRAWS },
        metrics: {
          ...manifest.metrics,
          shipped: scored,
          rescored: { at: new Date().toISOString(), command: `npm run cli -- eval --model ${manifest.name} --rescore`, previous },
        },
      };
      const tmp = `${mf}.tmp`;
      writeFileSync(tmp, JSON.stringify(next, null, 1));
      renameSync(tmp, mf);
      return { model: manifest.name, n, seconds: (Date.now() - t0) / 1000, rescored: scored, previous, wrote: mf };
    }
    const checked = n === want.n && sameRoad;
    const accOk = Math.abs(m.conditionalAccuracy - want.conditionalAccuracy) <= EVAL_TOLERANCE.accuracy;
    const fldOk = Math.abs(m.fld - want.fld) <= EVAL_TOLERANCE.fldRelative * want.fld;
    const result = {
      model: manifest.name,
      n,
      settings: e,
      seconds: (Date.now() - t0) / 1000,
      recomputed: { fld: m.fld, conditionalAccuracy: m.conditionalAccuracy, perClassAccuracy: m.perClassAccuracy },
      manifest: { fld: want.fld, conditionalAccuracy: want.conditionalAccuracy, n: want.n },
      floors: manifest.metrics.floors,
      check: checked
        ? accOk && fldOk
          ? 'pass'
          : 'FAIL'
        : !sameRoad
          ? 'not checked (the manifest was scored on the first sampling road: run eval --rescore)'
          : `not checked (n ${n} differs from the manifest's ${want.n})`,
    };
    if (checked && !(accOk && fldOk)) {
      console.log(JSON.stringify(result, null, 2));
      throw new Error(`recomputed metrics differ from ${mf}: accuracy ${m.conditionalAccuracy} vs ${want.conditionalAccuracy}, FLD ${m.fld} vs ${want.fld}`);
    }
    return result;
  } finally {
    ev.dispose();
  }
}

export const evalCommand: Command = {
  name: 'eval',
  summary: 'recompute FLD and conditional accuracy of a shipped DiT and check them against its manifest (--rescore: write them into it)',
  usage: 'eval --model NAME [--n N] [--threads 1|2] [--rescore]',
  run: runEval,
};
