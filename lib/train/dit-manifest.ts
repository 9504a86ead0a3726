/**
 * manifest.json of a shipped DiT folder (public/models/dit-*-vK/): what the model is, how it was
 * trained and how well it samples. The schema is written out as a validator that names every problem,
 * so the unit test (tests/unit/train/dit-manifest.test.ts) can check every shipped manifest and the
 * `eval` command can read one back.
 */
import type { DiTConfig } from '../dit/config';
import { validateConfig } from '../dit/config';
import { manifestProblems as sharedManifestProblems, type ModelManifest } from './manifest';

export interface SampleMetrics {
  /** Frechet LeNet Distance of the samples to the test split (lower is better). */
  fld: number;
  /** Fraction of samples the classifier assigns to the class they were drawn for. */
  conditionalAccuracy: number;
  /** Samples evaluated. */
  n: number;
  /** Accuracy per intended class 0..9. */
  perClassAccuracy?: number[];
}

/** The evaluation draws of the sampling road (EvalSettings.draws). */
export const SAMPLE_DRAWS = 'per-sample';

export interface EvalSettings {
  n: number;
  sampler: 'ddim' | 'ddpm';
  steps: number;
  cfgScale: number;
  eta: number;
  seed: number;
  /** Labels: 'balanced' = i mod 10. */
  labels: 'balanced';
  /**
   * How the draws follow from the seed. 'per-sample': sample i of n has its own noise stream seeded
   * seed * n + i (lib/sample/run.ts, the widgets' road). Absent: the first road, one stream per chunk
   * of 125 samples seeded seed + chunk, whose numbers `eval --rescore` replaces.
   */
  draws?: typeof SAMPLE_DRAWS;
  classifier: string;
  fldReference: string;
}

/**
 * The shared manifest (lib/train/manifest.ts, kind 'dit') plus what is particular to a DiT: the recipe,
 * the paper-style Gflops, the latents it was trained on, the raw/EMA choice and the sample metrics.
 */
export interface DiTManifest extends ModelManifest {
  kind: 'dit';
  recipe: string;
  preset: string;
  config: DiTConfig & Record<string, unknown>;
  /** Gflops per forward pass as the paper counts them (10^9 multiply-accumulates, lib/dit/flops.ts). */
  gflops: number;
  latents: { vae: string; vaeHash: string; scaleFactor: number; mode: 'posterior' | 'mean'; shape: number[] };
  training: ModelManifest['training'] & {
    plannedSteps: number;
    lr: number;
    warmupSteps: number;
    schedule: string;
    labelDropout: number;
    loss: string;
    machine: string;
  };
  weights: ModelManifest['weights'] & { shipped: 'ema' | 'raw'; why: string };
  evaluation: EvalSettings;
  metrics: {
    raw: SampleMetrics;
    ema: SampleMetrics;
    /** The shipped (possibly quantised) weights themselves. */
    shipped: SampleMetrics;
    /** FLD floors with the same classifier and reference (lib/metrics/evaluator.ts). */
    floors: Record<string, number>;
  };
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isStr = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

/** Every problem with a DiT manifest (the shared schema's, then the DiT's own); [] when valid. */
export function manifestProblems(m: unknown): string[] {
  const p = sharedManifestProblems(m);
  if (!m || typeof m !== 'object' || Array.isArray(m)) return p;
  const o = m as Record<string, unknown>;
  const need = (path: string, ok: boolean) => {
    if (!ok) p.push(`${path} is missing or invalid`);
  };
  const get = (path: string): unknown =>
    path.split('.').reduce<unknown>((a, k) => (a && typeof a === 'object' ? (a as Record<string, unknown>)[k] : undefined), o);
  need('kind', o.kind === 'dit');
  for (const k of ['recipe', 'preset']) need(k, isStr(o[k]));
  try {
    validateConfig(o.config as DiTConfig);
  } catch (e) {
    p.push(`config: ${(e as Error).message}`);
  }
  need('gflops', isNum(o.gflops) && o.gflops > 0);
  need('latents.vae', isStr(get('latents.vae')));
  need('latents.vaeHash', isStr(get('latents.vaeHash')));
  need('latents.scaleFactor', isNum(get('latents.scaleFactor')));
  need('latents.mode', ['posterior', 'mean'].includes(get('latents.mode') as string));
  for (const k of ['plannedSteps', 'lr', 'warmupSteps', 'labelDropout']) need(`training.${k}`, isNum(get(`training.${k}`)));
  for (const k of ['schedule', 'loss', 'machine']) need(`training.${k}`, isStr(get(`training.${k}`)));
  need('weights.shipped', ['ema', 'raw'].includes(get('weights.shipped') as string));
  need('weights.why', isStr(get('weights.why')));
  for (const k of ['n', 'steps', 'cfgScale', 'eta', 'seed']) need(`evaluation.${k}`, isNum(get(`evaluation.${k}`)));
  need('evaluation.sampler', ['ddim', 'ddpm'].includes(get('evaluation.sampler') as string));
  for (const which of ['raw', 'ema', 'shipped']) {
    need(`metrics.${which}.fld`, isNum(get(`metrics.${which}.fld`)));
    const acc = get(`metrics.${which}.conditionalAccuracy`);
    need(`metrics.${which}.conditionalAccuracy`, isNum(acc) && acc >= 0 && acc <= 1);
    need(`metrics.${which}.n`, isNum(get(`metrics.${which}.n`)));
  }
  const floors = get('metrics.floors');
  need('metrics.floors', !!floors && typeof floors === 'object' && Object.values(floors).every(isNum));
  return p;
}
