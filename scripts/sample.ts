/**
 * `npm run cli -- sample`: draw digits from a DiT through the VAE decoder.
 *   sample --model NAME (--class Y | --random) --n N --steps K --sampler ddim|ddpm|dpm++2m --cfg S --seed Z --out FILE
 * NAME is a shipped folder (public/models/NAME, e.g. dit-default-v1) or a training checkpoint,
 * `checkpoint:RECIPE[:raw|:ema]` (default ema). FILE.png gets a grid (one row per class when the
 * labels cycle 0..9); FILE.json gets {"labels": [...], "images": [[1,024 floats in [0, 1]], ...]},
 * each image 32x32 row-major. Sample i of N has the seed seed * N + i (lib/sample/run.ts batchSeeds),
 * so `--seed 5 --n 16` draws the reverse sampler widget's sixteen digits for its seed 5.
 */
import { setNodeBackend } from '../lib/node-backend';
import { makeLabels, sampleImagesByName, writeSamples, type SampleSpec } from '../lib/sample/node';
import { SAMPLERS, type SamplerName } from '../lib/sample/settings';
import type { Command } from './cli/types';
import { checkKnown, intOption, UsageError, type ParsedArgs } from './cli/args';

export async function runSample(args: ParsedArgs): Promise<unknown> {
  const o = args.options;
  checkKnown(o, ['model', 'class', 'random', 'n', 'steps', 'sampler', 'cfg', 'seed', 'out', 'eta', 'vae', 'threads']);
  const threads = intOption(o, 'threads', 1);
  if (threads !== 1 && threads !== 2) throw new UsageError('--threads is 1 or 2');
  if (typeof o.model !== 'string') throw new UsageError('missing --model NAME');
  if (typeof o.out !== 'string') throw new UsageError('missing --out FILE (.png or .json)');
  if ((o.class === undefined) === (o.random === undefined)) throw new UsageError('give exactly one of --class Y and --random');
  const n = intOption(o, 'n', 10);
  const cls = o.random !== undefined ? 'random' : intOption(o, 'class');
  if (cls !== 'random' && !(Number.isInteger(cls) && cls >= 0 && cls <= 10)) throw new UsageError('--class must be 0..9 (10: the null class, unconditional)');
  const sampler = String(o.sampler ?? 'ddim') as SamplerName;
  if (!SAMPLERS.includes(sampler)) throw new UsageError(`--sampler is one of ${SAMPLERS.join(', ')} (got ${sampler})`);
  const spec: SampleSpec = {
    labels: makeLabels(n, cls, intOption(o, 'seed', 0)),
    steps: intOption(o, 'steps', 50),
    sampler,
    cfgScale: Number(o.cfg ?? 4),
    seed: intOption(o, 'seed', 0),
    eta: Number(o.eta ?? 0),
  };
  if (!Number.isFinite(spec.cfgScale)) throw new UsageError('--cfg needs a number');
  await setNodeBackend('wasm');
  const t0 = Date.now();
  const images = await sampleImagesByName(o.model, typeof o.vae === 'string' ? o.vae : undefined, spec, threads);
  writeSamples(o.out, spec.labels, images);
  return { model: o.model, out: o.out, n, labels: cls, steps: spec.steps, sampler, cfg: spec.cfgScale, seed: spec.seed, seconds: (Date.now() - t0) / 1000 };
}

export const sampleCommand: Command = {
  name: 'sample',
  summary: 'draw digits from a DiT (shipped or a checkpoint) and write a PNG grid or JSON',
  usage:
    'sample --model NAME|checkpoint:RECIPE[:raw|:ema] (--class Y | --random) [--n 10] [--steps 50] [--sampler ddim|ddpm|dpm++2m] [--cfg 4] [--seed 0] [--eta 0] [--threads 1|2] --out FILE.png|FILE.json',
  run: runSample,
};
