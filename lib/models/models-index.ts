/**
 * The models index (public/models/index.json): one summary per shipped model folder, written at build
 * time by scripts/build-assets.ts from each folder's manifest.json (lib/train/manifest.ts,
 * lib/train/dit-manifest.ts), and read by the results widgets (ScalingChart, ConditioningCompare).
 * The widgets never carry results of their own: what they plot is whatever this index says is shipped.
 *
 * Two halves: buildModelsIndex (Node, at build time) and parseModelsIndex (the browser: a missing or
 * malformed index becomes a sentence for the reader, never a crash or a made-up number).
 */
import { CONDITIONINGS, type Conditioning, type DiTConfig } from '../dit/config';
import { countFlops } from '../dit/flops';

export const MODELS_INDEX_FORMAT = 'dit-lab-models-index';
export const MODELS_INDEX_VERSION = 1;
/** Site path of the index, as the browser fetches it. */
export const MODELS_INDEX_URL = '/models/index.json';
/** Loss curves in the index keep at most this many points (the manifests keep about 200). */
export const LOSS_CURVE_POINTS = 80;

export type ModelKind = 'dit' | 'vae' | 'classifier';

/** A DiT's sample scores as evaluated at ship time (the shipped weights'). */
export interface DiTScores {
  /** Frechet LeNet Distance of samples to the training split (lower is better). */
  fld: number;
  /** Share of samples the classifier reads as the class they were drawn for, in [0, 1]. */
  conditionalAccuracy: number;
  /** Samples scored. */
  n: number;
  /** FLD floors with the same classifier and reference: test vs train, VAE reconstructions vs train. */
  floors: Record<string, number>;
  /** Which weights were shipped (raw or EMA). */
  weights: string | null;
  /** How the samples were drawn: sampler, steps, guidance scale. */
  sampler: string | null;
  samplingSteps: number | null;
  cfgScale: number | null;
}

export interface ModelIndexEntry {
  /** Folder name, e.g. 'dit-scale-s-p4-v1'. */
  name: string;
  /** Site path the model worker loads, e.g. 'models/dit-scale-s-p4-v1'. */
  folder: string;
  kind: ModelKind;
  /** Training recipe (lib/train/dit-recipes.ts), e.g. 'scale-s-p4', 'cond-adaln-zero'; null when not a DiT recipe. */
  recipe: string | null;
  /** What the model is for, one line. */
  purpose: string;
  /** DiT preset name, e.g. 'DiT-mini-S/4'. */
  preset: string | null;
  /** The DiT configuration (patch size, depth, width, heads, conditioning ...); null for non-DiTs. */
  config: Pick<DiTConfig, 'inputSize' | 'patchSize' | 'depth' | 'hiddenSize' | 'numHeads' | 'learnSigma' | 'conditioning'> | null;
  parameters: number;
  /** Forward Gflops per image as the paper counts them (10^9 multiply-adds, lib/dit/flops.ts); null for non-DiTs. */
  gflops: number | null;
  steps: number;
  plannedSteps: number | null;
  batchSize: number;
  wallSeconds: number | null;
  /** DiT sample scores; null for non-DiTs or when the manifest has none. */
  scores: DiTScores | null;
  /** Numeric metrics of non-DiT models, flattened ('test.psnr': 26.4). */
  metrics: Record<string, number>;
  /** Training loss against step, downsampled to at most LOSS_CURVE_POINTS points. */
  lossCurve: { step: number; loss: number }[];
  createdAt: string | null;
}

export interface ModelsIndex {
  format: typeof MODELS_INDEX_FORMAT;
  version: number;
  models: ModelIndexEntry[];
  /** Folders that were left out, and why (no manifest, unreadable manifest, development folder). */
  skipped: { folder: string; reason: string }[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

/** Development folders (random or briefly trained stand-ins) never appear in the index. */
export function isDevFolder(folder: string): boolean {
  return /-dev-v\d+$/.test(folder);
}

/**
 * At most `max` points of a curve, evenly spaced by index, always keeping the first and the last (the
 * last is the step the model was shipped at). Points are copied, not averaged: every plotted value is
 * one the training log recorded.
 */
export function downsampleCurve<T>(points: readonly T[], max: number): T[] {
  if (max < 2) throw new Error(`downsampleCurve: max must be at least 2 (got ${max})`);
  if (points.length <= max) return points.slice();
  const out: T[] = [];
  for (let i = 0; i < max; i++) out.push(points[Math.round((i * (points.length - 1)) / (max - 1))]);
  return out;
}

/** Numeric leaves of an object as 'a.b': value (arrays and strings dropped). */
function flattenNumbers(o: unknown, prefix = '', out: Record<string, number> = {}): Record<string, number> {
  if (!isObj(o)) return out;
  for (const [k, v] of Object.entries(o)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (num(v) !== null) out[key] = v as number;
    else if (isObj(v)) flattenNumbers(v, key, out);
  }
  return out;
}

function ditScores(m: Obj): DiTScores | null {
  const metrics = isObj(m.metrics) ? m.metrics : null;
  const shipped = metrics && isObj(metrics.shipped) ? metrics.shipped : null;
  if (!shipped) return null;
  const fld = num(shipped.fld);
  const acc = num(shipped.conditionalAccuracy);
  if (fld === null || acc === null) return null;
  const floors: Record<string, number> = {};
  if (metrics && isObj(metrics.floors)) {
    for (const k of ['testVsTrain', 'vaeReconTestVsTrain']) {
      const v = num(metrics.floors[k]);
      if (v !== null) floors[k] = v;
    }
  }
  const ev = isObj(m.evaluation) ? m.evaluation : {};
  const w = isObj(m.weights) ? m.weights : {};
  return {
    fld,
    conditionalAccuracy: acc,
    n: num(shipped.n) ?? num(ev.n) ?? 0,
    floors,
    weights: str(w.shipped),
    sampler: str(ev.sampler),
    samplingSteps: num(ev.steps),
    cfgScale: num(ev.cfgScale),
  };
}

function ditConfig(c: unknown): ModelIndexEntry['config'] {
  if (!isObj(c)) return null;
  const need = ['inputSize', 'patchSize', 'depth', 'hiddenSize', 'numHeads'] as const;
  if (!need.every((k) => num(c[k]) !== null)) return null;
  const conditioning = CONDITIONINGS.includes(c.conditioning as Conditioning) ? (c.conditioning as Conditioning) : 'adaLN-Zero';
  return {
    inputSize: c.inputSize as number,
    patchSize: c.patchSize as number,
    depth: c.depth as number,
    hiddenSize: c.hiddenSize as number,
    numHeads: c.numHeads as number,
    learnSigma: c.learnSigma === true,
    conditioning,
  };
}

/**
 * One folder's manifest.json as an index entry. Throws with a sentence when the manifest lacks what
 * the index needs (the build then lists the folder under `skipped` with that reason).
 */
export function summariseManifest(folder: string, manifest: unknown): ModelIndexEntry {
  if (!isObj(manifest)) throw new Error('manifest.json is not a JSON object');
  const m = manifest;
  const kind = m.kind;
  if (kind !== 'dit' && kind !== 'vae' && kind !== 'classifier') throw new Error(`unknown kind ${JSON.stringify(kind)}`);
  const parameters = num(m.parameters);
  if (parameters === null) throw new Error('parameters is missing');
  const t = isObj(m.training) ? m.training : null;
  if (!t) throw new Error('training is missing');
  const steps = num(t.steps);
  const batchSize = num(t.batchSize);
  if (steps === null || batchSize === null) throw new Error('training.steps or training.batchSize is missing');
  const curve = Array.isArray(t.lossCurve)
    ? t.lossCurve
        .filter((p): p is Obj => isObj(p) && num(p.step) !== null && num(p.loss) !== null)
        .map((p) => ({ step: p.step as number, loss: p.loss as number }))
    : [];

  let config: ModelIndexEntry['config'] = null;
  let gflops: number | null = null;
  if (kind === 'dit') {
    config = ditConfig(m.config);
    if (!config) throw new Error('config lacks the DiT shape (inputSize, patchSize, depth, hiddenSize, numHeads)');
    gflops = num(m.gflops);
    if (gflops === null) {
      // Older manifests without the field: count from the configuration, as the ship script does.
      gflops = countFlops({ ...(m.config as DiTConfig), conditioning: config.conditioning }).total / 1e9;
    }
  }
  return {
    name: str(m.name) ?? folder,
    folder: `models/${folder}`,
    kind,
    recipe: str(m.recipe),
    purpose: str(m.description) ?? '',
    preset: str(m.preset),
    config,
    parameters,
    gflops,
    steps,
    plannedSteps: num(t.plannedSteps),
    batchSize,
    wallSeconds: num(t.wallSeconds),
    scores: kind === 'dit' ? ditScores(m) : null,
    metrics: kind === 'dit' ? {} : flattenNumbers(m.metrics),
    lossCurve: downsampleCurve(curve, LOSS_CURVE_POINTS),
    createdAt: str(m.createdAt),
  };
}

/**
 * The index of every folder given ({ folder, manifest } with manifest the parsed manifest.json, or
 * null when the folder has none). Development folders and folders whose manifest cannot be summarised
 * are listed under `skipped` with the reason. Sorted by folder name, so the file is reproducible.
 */
export function buildModelsIndex(folders: { folder: string; manifest: unknown }[]): ModelsIndex {
  const models: ModelIndexEntry[] = [];
  const skipped: ModelsIndex['skipped'] = [];
  for (const { folder, manifest } of [...folders].sort((a, b) => a.folder.localeCompare(b.folder))) {
    if (isDevFolder(folder)) skipped.push({ folder, reason: 'development folder' });
    else if (manifest === null || manifest === undefined) skipped.push({ folder, reason: 'no manifest.json' });
    else {
      try {
        models.push(summariseManifest(folder, manifest));
      } catch (e) {
        skipped.push({ folder, reason: e instanceof Error ? e.message : String(e) });
      }
    }
  }
  return { format: MODELS_INDEX_FORMAT, version: MODELS_INDEX_VERSION, models, skipped };
}

/** What a widget gets from the fetched index: the models, or a sentence saying why there are none. */
export type ParsedIndex = { ok: true; index: ModelsIndex } | { ok: false; problem: string };

/**
 * Checks what the browser fetched. Only the fields the widgets read are checked, entry by entry; one
 * bad entry makes the whole index unusable (a half-trusted results file is worse than none).
 */
export function parseModelsIndex(raw: unknown): ParsedIndex {
  if (!isObj(raw)) return { ok: false, problem: 'the models index is not a JSON object' };
  if (raw.format !== MODELS_INDEX_FORMAT)
    return { ok: false, problem: `the models index has format ${JSON.stringify(raw.format)}, not "${MODELS_INDEX_FORMAT}"` };
  if (raw.version !== MODELS_INDEX_VERSION)
    return { ok: false, problem: `the models index is version ${JSON.stringify(raw.version)}; this page reads version ${MODELS_INDEX_VERSION}` };
  if (!Array.isArray(raw.models)) return { ok: false, problem: 'the models index has no list of models' };
  for (const [i, e] of raw.models.entries()) {
    const bad = entryProblem(e);
    if (bad) return { ok: false, problem: `entry ${i + 1} of the models index ${bad}` };
  }
  return {
    ok: true,
    index: {
      format: MODELS_INDEX_FORMAT,
      version: MODELS_INDEX_VERSION,
      models: raw.models as ModelIndexEntry[],
      skipped: Array.isArray(raw.skipped) ? (raw.skipped as ModelsIndex['skipped']) : [],
    },
  };
}

function entryProblem(e: unknown): string | null {
  if (!isObj(e)) return 'is not an object';
  if (!str(e.name) || !str(e.folder) || !/^models\/[a-z0-9][a-z0-9-]*$/.test(e.folder as string)) return 'lacks a valid name and folder';
  if (e.kind !== 'dit' && e.kind !== 'vae' && e.kind !== 'classifier') return `(${e.name as string}) has an unknown kind`;
  if (num(e.parameters) === null || num(e.steps) === null || num(e.batchSize) === null) return `(${e.name as string}) lacks parameters, steps or batchSize`;
  if (!Array.isArray(e.lossCurve) || !e.lossCurve.every((p) => isObj(p) && num(p.step) !== null && num(p.loss) !== null))
    return `(${e.name as string}) has a malformed loss curve`;
  if (e.kind === 'dit') {
    if (!isObj(e.config) || num(e.config.patchSize) === null || num(e.config.depth) === null || num(e.config.hiddenSize) === null)
      return `(${e.name as string}) lacks its DiT configuration`;
    if (!CONDITIONINGS.includes(e.config.conditioning as Conditioning)) return `(${e.name as string}) has an unknown conditioning`;
    if (num(e.gflops) === null || (e.gflops as number) <= 0) return `(${e.name as string}) lacks its Gflops`;
    if (e.scores !== null) {
      const s = e.scores;
      if (!isObj(s) || num(s.fld) === null || num(s.conditionalAccuracy) === null || !isObj(s.floors)) return `(${e.name as string}) has malformed scores`;
    }
  }
  return null;
}

// ---------------------------------------------------------------- the two experiment sets

/** Sizes and patch sizes of the scaling grid (lib/train/dit-recipes.ts SCALING_SIZES, SCALING_PATCHES). */
export const GRID_SIZES = ['S', 'B', 'L'] as const;
export const GRID_PATCHES = [4, 2, 1] as const;
export type GridSize = (typeof GRID_SIZES)[number];

export interface GridModel {
  entry: ModelIndexEntry;
  size: GridSize;
  patch: number;
}

/** The grid cell a recipe name like 'scale-b-p2' stands for, or null. */
export function gridCell(recipe: string | null): { size: GridSize; patch: number } | null {
  const m = recipe ? /^scale-([sbl])-p(\d)$/.exec(recipe) : null;
  if (!m) return null;
  const size = m[1].toUpperCase() as GridSize;
  const patch = Number(m[2]);
  return (GRID_PATCHES as readonly number[]).includes(patch) ? { size, patch } : null;
}

/** Shipped scaling-grid models, one per cell (the newest version when several are shipped), size then patch order. */
export function scalingGrid(index: ModelsIndex): GridModel[] {
  const byCell = new Map<string, GridModel>();
  for (const entry of index.models) {
    const cell = entry.kind === 'dit' ? gridCell(entry.recipe) : null;
    if (!cell) continue;
    const key = `${cell.size}/${cell.patch}`;
    const prev = byCell.get(key);
    if (!prev || entry.name.localeCompare(prev.entry.name, undefined, { numeric: true }) > 0) byCell.set(key, { entry, ...cell });
  }
  const order = (g: GridModel) => GRID_SIZES.indexOf(g.size) * 10 + GRID_PATCHES.indexOf(g.patch as 4 | 2 | 1);
  return [...byCell.values()].sort((a, b) => order(a) - order(b));
}

/** Recipe name of a conditioning-set model (lib/train/dit-recipes.ts: 'cond-' + lower case). */
export function conditioningRecipe(c: Conditioning): string {
  return `cond-${c.toLowerCase()}`;
}

/** Shipped conditioning-set models by variant (the newest version of each); absent variants are missing. */
export function conditioningSet(index: ModelsIndex): Partial<Record<Conditioning, ModelIndexEntry>> {
  const out: Partial<Record<Conditioning, ModelIndexEntry>> = {};
  for (const c of CONDITIONINGS) {
    const found = index.models
      .filter((e) => e.kind === 'dit' && e.recipe === conditioningRecipe(c))
      .sort((a, b) => b.name.localeCompare(a.name, undefined, { numeric: true }));
    if (found.length > 0) out[c] = found[0];
  }
  return out;
}
