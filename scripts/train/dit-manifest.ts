/**
 * manifest.json of a shipped DiT folder (public/models/dit-*-vK/): what the model is, how it was
 * trained and how well it samples. The schema is written out as a validator that names every problem,
 * so the unit test (tests/unit/train/dit-manifest.test.ts) can check every shipped manifest and the
 * `eval` command can read one back.
 */
import type { DiTConfig } from '../../lib/dit/config';
import { validateConfig } from '../../lib/dit/config';

export interface SampleMetrics {
  /** Frechet LeNet Distance of the samples to the test split (lower is better). */
  fld: number;
  /** Fraction of samples the classifier assigns to the class they were drawn for. */
  conditionalAccuracy: number;
  /** Samples evaluated. */
  n: number;
}

export interface EvalSettings {
  n: number;
  sampler: 'ddim' | 'ddpm';
  steps: number;
  cfgScale: number;
  eta: number;
  seed: number;
  /** Labels: 'balanced' = i mod 10. */
  labels: 'balanced';
  classifier: string;
  fldReference: string;
}

export interface DiTManifest {
  format: 'dit-lab-model';
  formatVersion: 1;
  name: string;
  kind: 'DiT';
  recipe: string;
  purpose: string;
  preset: string;
  config: DiTConfig;
  parameters: number;
  /** Multiply-accumulates of one forward pass per image (paper counting), and in Gflops. */
  flopsPerForward: number;
  gflops: number;
  data: {
    dataset: string;
    split: { seed: number; testFraction: number; train: number; test: number };
    latents: { vae: string; vaeHash: string; scaleFactor: number; mode: 'posterior' | 'mean'; shape: number[] };
  };
  training: {
    steps: number;
    plannedSteps: number;
    batchSize: number;
    optimizer: string;
    lr: number;
    warmupSteps: number;
    schedule: string;
    emaDecay: number;
    seed: number;
    labelDropout: number;
    loss: string;
    wallSeconds: number;
    machine: string;
    commit: string;
    finishedAt: string;
  };
  /** Downsampled per-step log: step, loss (l-hybrid), mse (l-simple), vb, lr. */
  lossCurve: { step: number; loss: number; mse?: number; vb?: number; lr?: number }[];
  weights: { file: string; shipped: 'ema' | 'raw'; quantization: 'none' | 'float16' | 'uint8'; bytes: number; why: string };
  evaluation: EvalSettings;
  metrics: {
    raw: SampleMetrics;
    ema: SampleMetrics;
    /** The shipped (possibly quantised) weights themselves. */
    shipped: SampleMetrics;
    /** Reference values to read FLD against (from the metrics module). */
    floors: Record<string, number>;
  };
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isStr = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

/** Every problem with a manifest, as readable strings; [] when it is valid. */
export function manifestProblems(m: unknown): string[] {
  const p: string[] = [];
  if (!m || typeof m !== 'object') return ['not an object'];
  const o = m as Record<string, unknown>;
  const need = (path: string, ok: boolean) => { if (!ok) p.push(`${path} is missing or invalid`); };
  const get = (path: string): unknown => path.split('.').reduce<unknown>((a, k) => (a && typeof a === 'object' ? (a as Record<string, unknown>)[k] : undefined), o);
  need('format', o.format === 'dit-lab-model');
  need('formatVersion', o.formatVersion === 1);
  need('kind', o.kind === 'DiT');
  for (const k of ['name', 'recipe', 'purpose', 'preset']) need(k, isStr(o[k]));
  try {
    validateConfig(o.config as DiTConfig);
  } catch (e) {
    p.push(`config: ${(e as Error).message}`);
  }
  for (const k of ['parameters', 'flopsPerForward', 'gflops']) need(k, isNum(o[k]) && (o[k] as number) > 0);
  need('data.dataset', isStr(get('data.dataset')));
  for (const k of ['seed', 'testFraction', 'train', 'test']) need(`data.split.${k}`, isNum(get(`data.split.${k}`)));
  need('data.latents.vae', isStr(get('data.latents.vae')));
  need('data.latents.vaeHash', isStr(get('data.latents.vaeHash')));
  need('data.latents.scaleFactor', isNum(get('data.latents.scaleFactor')));
  need('data.latents.mode', ['posterior', 'mean'].includes(get('data.latents.mode') as string));
  for (const k of ['steps', 'plannedSteps', 'batchSize', 'lr', 'warmupSteps', 'emaDecay', 'seed', 'labelDropout', 'wallSeconds']) need(`training.${k}`, isNum(get(`training.${k}`)));
  for (const k of ['optimizer', 'schedule', 'loss', 'machine', 'commit', 'finishedAt']) need(`training.${k}`, isStr(get(`training.${k}`)));
  const curve = o.lossCurve;
  need('lossCurve', Array.isArray(curve) && curve.length >= 2 && curve.every((r) => r && isNum((r as { step: unknown }).step) && isNum((r as { loss: unknown }).loss)));
  if (Array.isArray(curve)) {
    for (let i = 1; i < curve.length; i++) if (!((curve[i] as { step: number }).step > (curve[i - 1] as { step: number }).step)) { p.push('lossCurve steps must increase'); break; }
  }
  need('weights.file', get('weights.file') === 'model.json');
  need('weights.shipped', ['ema', 'raw'].includes(get('weights.shipped') as string));
  need('weights.quantization', ['none', 'float16', 'uint8'].includes(get('weights.quantization') as string));
  need('weights.bytes', isNum(get('weights.bytes')));
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
