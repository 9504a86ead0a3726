/**
 * Weights in TensorFlow.js's weights-manifest format: a model.json-style manifest plus binary shards
 * (group1-shard1ofN.bin ...), optionally quantised to float16 or uint8 the way tfjs-converter does it.
 * Generic: any Record<string, tf.Tensor> (the DiT's state_dict, the VAE, the classifier).
 *
 * Loading validates before it builds a single tensor: the manifest's structure, every shard's length,
 * and (when the caller passes the expected shapes) every name and shape, and it throws one Error that
 * lists every problem found.
 */
import { tf } from '../tf';

export type Quantization = 'none' | 'float16' | 'uint8';
export type ShapeMap = Record<string, number[]>;

export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  quantization?: { dtype: 'float16' | 'uint8'; scale?: number; min?: number };
}

export interface WeightsManifestFile {
  format: 'dit-lab-weights';
  formatVersion: 1;
  /** tfjs's WeightsManifestConfig: one group, its shard paths and weight specs in byte order. */
  weightsManifest: { paths: string[]; weights: WeightSpec[] }[];
  /** Byte length of each shard, so a truncated one can be named (tfjs ignores unknown fields). */
  shardByteLengths: number[];
  userDefinedMetadata?: Record<string, unknown>;
}

export interface SaveOptions {
  quantization?: Quantization;
  /** Bytes per shard; tfjs-converter's default is 4 MiB. */
  shardBytes?: number;
  metadata?: Record<string, unknown>;
}

const DEFAULT_SHARD_BYTES = 4 * 1024 * 1024;

// ---------------------------------------------------------------------------------------------
// Quantisation
// ---------------------------------------------------------------------------------------------

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE float32 -> float16 bits, rounding to nearest even (overflow to inf, subnormals kept). */
export function toFloat16Bits(v: number): number {
  f32[0] = v;
  const x = u32[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0); // inf / nan
  let e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00; // overflow
  if (e <= 0) {
    if (e < -10) return sign; // underflow to zero
    mant |= 0x800000; // implicit bit
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    let m = mant >>> shift;
    const rest = mant & ((1 << shift) - 1);
    if (rest > half || (rest === half && m & 1)) m++;
    return sign | m;
  }
  let m = mant >>> 13;
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && m & 1)) {
    m++;
    if (m === 0x400) {
      m = 0;
      e++;
      if (e >= 0x1f) return sign | 0x7c00;
    }
  }
  return sign | (e << 10) | m;
}

/** uint8 affine quantisation as tfjs-converter does it: the range includes 0 and 0 is exact. */
function quantizeUint8(values: Float32Array): { bytes: Uint8Array; scale: number; min: number } {
  let lo = 0,
    hi = 0;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const scale = hi > lo ? (hi - lo) / 255 : 1;
  const zeroPoint = Math.round(-lo / scale);
  const min = -zeroPoint * scale;
  const bytes = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) bytes[i] = Math.min(255, Math.max(0, Math.round((values[i] - min) / scale)));
  return { bytes, scale, min };
}

// ---------------------------------------------------------------------------------------------
// Save
// ---------------------------------------------------------------------------------------------

/** Encodes tensors (in the given key order) into a manifest and shards. Quantisation applies to float32 tensors. */
export async function saveWeights(
  tensors: Record<string, tf.Tensor>,
  opts: SaveOptions = {},
): Promise<{ manifest: WeightsManifestFile; shards: ArrayBuffer[] }> {
  const quantization = opts.quantization ?? 'none';
  const shardBytes = opts.shardBytes ?? DEFAULT_SHARD_BYTES;
  const specs: WeightSpec[] = [];
  const parts: Uint8Array[] = [];
  for (const [name, t] of Object.entries(tensors)) {
    if (t.dtype !== 'float32' && t.dtype !== 'int32') throw new Error(`saveWeights: '${name}' has dtype ${t.dtype}; only float32 and int32 are supported`);
    const values = await t.data();
    const spec: WeightSpec = { name, shape: [...t.shape], dtype: t.dtype };
    if (t.dtype === 'float32' && quantization === 'float16') {
      const h = new Uint16Array(values.length);
      for (let i = 0; i < values.length; i++) h[i] = toFloat16Bits(values[i]);
      spec.quantization = { dtype: 'float16' };
      parts.push(new Uint8Array(h.buffer));
    } else if (t.dtype === 'float32' && quantization === 'uint8') {
      const q = quantizeUint8(values as Float32Array);
      spec.quantization = { dtype: 'uint8', scale: q.scale, min: q.min };
      parts.push(q.bytes);
    } else {
      const copy = t.dtype === 'float32' ? Float32Array.from(values) : Int32Array.from(values);
      parts.push(new Uint8Array(copy.buffer));
    }
    specs.push(spec);
  }
  const total = parts.reduce((a, p) => a + p.byteLength, 0);
  const all = new Uint8Array(total);
  let off = 0;
  for (const p of parts) {
    all.set(p, off);
    off += p.byteLength;
  }
  const n = Math.max(1, Math.ceil(total / shardBytes));
  const shards: ArrayBuffer[] = [];
  for (let i = 0; i < n; i++) shards.push(all.slice(i * shardBytes, Math.min(total, (i + 1) * shardBytes)).buffer);
  const manifest: WeightsManifestFile = {
    format: 'dit-lab-weights',
    formatVersion: 1,
    weightsManifest: [{ paths: shards.map((_, i) => `group1-shard${i + 1}of${n}.bin`), weights: specs }],
    shardByteLengths: shards.map((s) => s.byteLength),
    ...(opts.metadata ? { userDefinedMetadata: opts.metadata } : {}),
  };
  return { manifest, shards };
}

// ---------------------------------------------------------------------------------------------
// Load
// ---------------------------------------------------------------------------------------------

const BYTES = { float32: 4, int32: 4, float16: 2, uint8: 1 } as const;

function specBytes(s: WeightSpec): number {
  const size = s.shape.reduce((a, b) => a * b, 1);
  return size * BYTES[s.quantization ? s.quantization.dtype : s.dtype];
}

/** Checks names and shapes against `expected`; returns one line per problem. */
export function shapeProblems(actual: ShapeMap, expected: ShapeMap): string[] {
  const problems: string[] = [];
  for (const [name, shape] of Object.entries(expected)) {
    const got = actual[name];
    if (!got) problems.push(`missing '${name}' (${shape.join('x')})`);
    else if (got.join(',') !== shape.join(',')) problems.push(`'${name}' has shape (${got.join(', ')}), expected (${shape.join(', ')})`);
  }
  for (const name of Object.keys(actual)) if (!(name in expected)) problems.push(`unexpected '${name}'`);
  return problems;
}

/** The specs of a manifest, after checking its structure. */
export function manifestSpecs(manifest: WeightsManifestFile): WeightSpec[] {
  if (!manifest || !Array.isArray(manifest.weightsManifest) || manifest.weightsManifest.length === 0) {
    throw new Error('loadWeights: the manifest has no weightsManifest groups (is this a model.json?)');
  }
  return manifest.weightsManifest.flatMap((g) => g.weights);
}

/**
 * Decodes shards (in manifest path order) into tensors after validating them. With `expected`, every
 * expected name must be present with that shape and no other name may appear. The caller owns the result.
 */
export function loadWeights(manifest: WeightsManifestFile, shards: ArrayBuffer[], expected?: ShapeMap): Record<string, tf.Tensor> {
  const specs = manifestSpecs(manifest);
  const paths = manifest.weightsManifest.flatMap((g) => g.paths);
  const problems: string[] = [];
  if (shards.length !== paths.length) problems.push(`got ${shards.length} shard(s), the manifest lists ${paths.length} (${paths.join(', ')})`);
  const lengths = manifest.shardByteLengths;
  if (Array.isArray(lengths) && lengths.length === shards.length) {
    shards.forEach((s, i) => {
      if (s.byteLength !== lengths[i]) {
        problems.push(`shard ${paths[i] ?? i} has ${s.byteLength} bytes, expected ${lengths[i]}${s.byteLength < lengths[i] ? ' (truncated)' : ''}`);
      }
    });
  }
  const need = specs.reduce((a, s) => a + specBytes(s), 0);
  const have = shards.reduce((a, s) => a + s.byteLength, 0);
  if (have !== need) problems.push(`the shards hold ${have} bytes, the weight specs need ${need}${have < need ? ' (truncated)' : ''}`);
  for (const s of specs) {
    if (s.quantization && !['float16', 'uint8'].includes(s.quantization.dtype))
      problems.push(`'${s.name}' has unsupported quantization ${s.quantization.dtype}`);
    if (s.quantization?.dtype === 'uint8' && (typeof s.quantization.scale !== 'number' || typeof s.quantization.min !== 'number')) {
      problems.push(`'${s.name}' is uint8-quantised without scale and min`);
    }
  }
  if (expected) {
    const seen = new Set<string>();
    for (const s of specs) {
      if (seen.has(s.name)) problems.push(`'${s.name}' appears twice`);
      seen.add(s.name);
    }
    problems.push(...shapeProblems(Object.fromEntries(specs.map((s) => [s.name, s.shape])), expected));
  }
  if (problems.length) throw new Error(`loadWeights: ${problems.join('; ')}`);
  const decoded = tf.io.decodeWeights(shards.length === 1 ? shards[0] : tf.io.concatenateArrayBuffers(shards), specs as tf.io.WeightsManifestEntry[]);
  return decoded as Record<string, tf.Tensor>;
}

/** A network that takes its weights as a state dict (DiT, TinyVAE, DigitClassifier). */
export interface StateDictNet {
  loadStateDict(tensors: Record<string, tf.Tensor>): void;
  dispose(): void;
}

/**
 * Builds a network from a manifest and its shards: every name and shape checked against `shapes`
 * first (loadWeights), the decoded tensors freed after loading, the network disposed if they do not
 * fit. The one build-from-weights of the project; the caller owns the result.
 */
export function buildFromWeights<N extends StateDictNet>(manifest: WeightsManifestFile, shards: ArrayBuffer[], shapes: ShapeMap, make: () => N): N {
  const tensors = loadWeights(manifest, shards, shapes);
  const net = make();
  try {
    net.loadStateDict(tensors);
  } catch (e) {
    net.dispose();
    throw e;
  } finally {
    tf.dispose(Object.values(tensors));
  }
  return net;
}

/** Browser or Node 18+: fetches model.json and its shards from a folder URL, then loadWeights. */
export async function fetchWeights(
  modelJsonUrl: string,
  expected?: ShapeMap,
  fetchFn: typeof fetch = fetch,
): Promise<{ manifest: WeightsManifestFile; tensors: Record<string, tf.Tensor> }> {
  const res = await fetchFn(modelJsonUrl);
  if (!res.ok) throw new Error(`fetchWeights: ${modelJsonUrl}: HTTP ${res.status}`);
  const manifest = (await res.json()) as WeightsManifestFile;
  const base = modelJsonUrl.slice(0, modelJsonUrl.lastIndexOf('/') + 1);
  const shards = await Promise.all(
    manifest.weightsManifest
      .flatMap((g) => g.paths)
      .map(async (p) => {
        const r = await fetchFn(base + p);
        if (!r.ok) throw new Error(`fetchWeights: ${base + p}: HTTP ${r.status}`);
        return r.arrayBuffer();
      }),
  );
  return { manifest, tensors: loadWeights(manifest, shards, expected) };
}
