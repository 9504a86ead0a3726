/**
 * The manifest.json shipped beside every trained model's weights (public/models/NAME-vK/), and its
 * schema as validation code: manifestProblems returns one line per violation (empty = valid). The
 * weights themselves are in model.json + shards (lib/weights); this file says what they are, how
 * they were made and how good they are.
 */

export interface LossPoint {
  step: number;
  loss: number;
  [metric: string]: number;
}

export interface ModelManifest {
  /** Folder name, e.g. 'vae-v1'. */
  name: string;
  kind: 'vae' | 'classifier' | 'dit';
  version: number;
  description: string;
  config: Record<string, unknown>;
  parameters: number;
  /** Forward FLOPs (2 per multiply-add) per image, with named parts where useful. */
  flops: Record<string, number>;
  data: {
    source: string;
    split: 'train';
    splitSpec: { testFraction: number; seed: number };
    trainCount: number;
    testCount: number;
    preprocessing: string;
  };
  training: {
    steps: number;
    batchSize: number;
    seed: number;
    wallSeconds: number;
    backend: string;
    optimizer: Record<string, unknown>;
    ema: Record<string, unknown> | null;
    lossCurve: LossPoint[];
  };
  commit: string;
  weights: { file: string; quantization: 'none' | 'float16' | 'uint8'; bytes: number; evaluated: string };
  metrics: Record<string, unknown>;
  createdAt: string;
  [extra: string]: unknown;
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Schema check of a parsed manifest.json; `kind`-specific metrics are checked too. */
export function manifestProblems(m: unknown): string[] {
  const p: string[] = [];
  if (!isObj(m)) return ['manifest is not an object'];
  const req = (cond: boolean, msg: string) => {
    if (!cond) p.push(msg);
  };
  req(typeof m.name === 'string' && /^[a-z0-9-]+-v\d+$/.test(m.name), 'name must look like "vae-v1"');
  req(m.kind === 'vae' || m.kind === 'classifier' || m.kind === 'dit', 'kind must be vae, classifier or dit');
  req(Number.isInteger(m.version) && (m.version as number) >= 1, 'version must be a positive integer');
  req(typeof m.description === 'string' && m.description.length > 0, 'description is required');
  req(isObj(m.config), 'config must be an object');
  req(Number.isInteger(m.parameters) && (m.parameters as number) > 0, 'parameters must be a positive integer');
  req(
    isObj(m.flops) && Object.values(m.flops).length > 0 && Object.values(m.flops).every((v) => isNum(v) && v > 0),
    'flops must map names to positive numbers',
  );
  const d = m.data;
  if (!isObj(d)) p.push('data must be an object');
  else {
    req(typeof d.source === 'string', 'data.source is required');
    req(d.split === 'train', "data.split must be 'train' (models are trained on the train split only)");
    req(isObj(d.splitSpec) && isNum(d.splitSpec.testFraction) && isNum(d.splitSpec.seed), 'data.splitSpec needs testFraction and seed');
    req(Number.isInteger(d.trainCount) && Number.isInteger(d.testCount), 'data.trainCount and data.testCount must be integers');
    req(typeof d.preprocessing === 'string', 'data.preprocessing is required');
  }
  const t = m.training;
  if (!isObj(t)) p.push('training must be an object');
  else {
    for (const k of ['steps', 'batchSize', 'seed', 'wallSeconds']) req(isNum(t[k]) && (t[k] as number) >= 0, `training.${k} must be a non-negative number`);
    req(typeof t.backend === 'string', 'training.backend is required');
    req(isObj(t.optimizer), 'training.optimizer must be an object');
    req(t.ema === null || isObj(t.ema), 'training.ema must be an object or null');
    const curve = t.lossCurve;
    if (!Array.isArray(curve) || curve.length < 2) p.push('training.lossCurve needs at least 2 points');
    else {
      let last = 0;
      curve.forEach((pt, i) => {
        if (!isObj(pt) || !isNum(pt.step) || !isNum(pt.loss)) p.push(`training.lossCurve[${i}] needs numeric step and loss`);
        else {
          if ((pt.step as number) <= last) p.push(`training.lossCurve[${i}].step is not increasing`);
          last = pt.step as number;
        }
      });
      if (isNum(t.steps) && last !== t.steps) p.push(`training.lossCurve ends at step ${last}, not training.steps ${t.steps}`);
    }
  }
  req(typeof m.commit === 'string' && /^[0-9a-f]{7,40}$/.test(m.commit), 'commit must be a git hash');
  const w = m.weights;
  req(
    isObj(w) && w.file === 'model.json' && ['none', 'float16', 'uint8'].includes(w.quantization as string) && isNum(w.bytes) && typeof w.evaluated === 'string',
    'weights needs file "model.json", quantization, bytes and evaluated',
  );
  req(typeof m.createdAt === 'string' && !Number.isNaN(Date.parse(m.createdAt)), 'createdAt must be an ISO date');
  const mt = m.metrics;
  if (!isObj(mt)) p.push('metrics must be an object');
  else if (m.kind === 'vae') {
    const test = mt.test;
    req(isObj(test) && isNum(test.mse) && isNum(test.psnr) && isNum(test.klPerElement), 'vae metrics.test needs mse, psnr, klPerElement');
    req(isNum(m.scaleFactor) && (m.scaleFactor as number) > 0, 'vae needs a positive scaleFactor');
    req(
      isObj(m.latent) && Array.isArray(m.latent.shape) && isNum(m.latent.scaleFactor) && m.latent.scaleFactor === m.scaleFactor,
      'vae latent needs shape and the same scaleFactor',
    );
  } else if (m.kind === 'classifier') {
    req(isNum(mt.testAccuracy) && (mt.testAccuracy as number) >= 0 && (mt.testAccuracy as number) <= 1, 'classifier metrics.testAccuracy must be in [0, 1]');
    const fl = mt.fld;
    req(isObj(fl) && isNum(fl.testVsTrain) && isNum(fl.vaeReconTestVsTrain), 'classifier metrics.fld needs testVsTrain and vaeReconTestVsTrain');
    req(isNum(mt.featureSize), 'classifier metrics.featureSize is required');
  }
  // The metric is the Frechet LeNet Distance; the word FID must not appear as a key.
  const keys = JSON.stringify(m).match(/"[^"]*fid[^"]*":/gi);
  if (keys) p.push(`manifest uses the name FID (${keys.join(', ')}); call it FLD`);
  return p;
}
