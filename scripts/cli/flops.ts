/**
 * `flops <preset>` or `flops --input I --channels C --patch p --hidden D --depth N --heads H
 * [--conditioning KIND] [--classes K] [--mlp-ratio r] [--learn-sigma true|false]`, or `flops --paper`:
 * forward Gflops per image (multiply-accumulates, VAE excluded) and parameters, as one JSON object.
 */
import { CONDITIONINGS, getPreset, type Conditioning, type DiTConfig } from '../../lib/dit/config';
import { PAPER_CONDITIONING, PAPER_SCALING } from '../../lib/models/paper-results';
import { countFlops, params } from '../../lib/dit/flops';
import { type ParsedArgs, UsageError, checkKnown, intOption } from './args';
import type { Command } from './types';

function report(c: DiTConfig, preset: string | null) {
  const f = countFlops(c);
  return {
    preset,
    gflops: f.total / 1e9,
    params: params(c),
    paramsWithPosEmbed: params(c, { includeFrozen: true }),
    tokens: (c.inputSize / c.patchSize) ** 2,
    config: c,
    breakdown: { patchEmbed: f.patchEmbed, timestepEmbed: f.timestepEmbed, blocks: f.blocks, finalLayer: f.finalLayer, perBlock: f.perBlock },
  };
}

function paperTable() {
  const round = (x: number) => Math.round(x * 1e4) / 1e4;
  const row = (name: string, c: DiTConfig, [g, p]: [number, number]) => {
    const gf = countFlops(c).total / 1e9;
    const pm = params(c) / 1e6;
    return {
      model: name,
      conditioning: c.conditioning,
      gflops: round(gf),
      paperGflops: g,
      gflopsErrorPct: round((gf / g - 1) * 100),
      paramsM: round(pm),
      paperParamsM: p,
      paramsErrorPct: round((pm / p - 1) * 100),
    };
  };
  const rows = [
    ...PAPER_SCALING.map((r) => row(`DiT-${r.model}`, getPreset(`DiT-${r.model}`), [r.gflops, r.paramsM])),
    ...PAPER_CONDITIONING.map((r) => row('DiT-XL/2', { ...getPreset('DiT-XL/2'), conditioning: r.conditioning }, [r.gflops, r.paramsM])),
  ];
  const maxAbs = (k: 'gflopsErrorPct' | 'paramsErrorPct') => Math.max(...rows.map((r) => Math.abs(r[k])));
  return {
    source: 'paper Table 4 (lib/models/paper-results.ts)',
    rows,
    maxGflopsErrorPct: maxAbs('gflopsErrorPct'),
    maxParamsErrorPct: maxAbs('paramsErrorPct'),
  };
}

function configFromOptions(o: ParsedArgs['options']): DiTConfig {
  const kind = (o.conditioning ?? 'adaLN-Zero') as Conditioning;
  if (!CONDITIONINGS.includes(kind)) throw new UsageError(`--conditioning must be one of ${CONDITIONINGS.join(', ')}`);
  const ls = o['learn-sigma'] ?? 'true';
  if (!['true', 'false', true].includes(ls)) throw new UsageError('--learn-sigma must be true or false');
  return {
    inputSize: intOption(o, 'input'),
    inChannels: intOption(o, 'channels'),
    patchSize: intOption(o, 'patch'),
    hiddenSize: intOption(o, 'hidden'),
    depth: intOption(o, 'depth'),
    numHeads: intOption(o, 'heads'),
    mlpRatio: intOption(o, 'mlp-ratio', 4),
    numClasses: intOption(o, 'classes', 1000),
    learnSigma: ls !== 'false',
    classDropoutProb: 0.1,
    conditioning: kind,
  };
}

export const flopsCommand: Command = {
  name: 'flops',
  summary: 'Gflops per image (multiply-accumulates, as the paper counts) and parameters of a DiT',
  usage:
    'flops <preset> [--conditioning KIND]\n  flops --input I --channels C --patch p --hidden D --depth N --heads H [--conditioning KIND] [--classes K] [--mlp-ratio r] [--learn-sigma true|false]\n  flops --paper   (all twelve paper models and the four XL/2 blocks vs paper Table 4)',
  run(args) {
    const { positional, options } = args;
    if (options.paper) {
      checkKnown(options, ['paper']);
      return paperTable();
    }
    if (positional.length > 1) throw new UsageError(`flops takes one preset, got ${positional.join(' ')}`);
    if (positional.length === 1) {
      checkKnown(options, ['conditioning']);
      const base = getPreset(positional[0]);
      const kind = (options.conditioning ?? base.conditioning) as Conditioning;
      if (!CONDITIONINGS.includes(kind)) throw new UsageError(`--conditioning must be one of ${CONDITIONINGS.join(', ')}`);
      return report({ ...base, conditioning: kind }, positional[0]);
    }
    checkKnown(options, ['input', 'channels', 'patch', 'hidden', 'depth', 'heads', 'conditioning', 'classes', 'mlp-ratio', 'learn-sigma']);
    return report(configFromOptions(options), null);
  },
};
