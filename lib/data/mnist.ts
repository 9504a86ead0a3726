/**
 * MNIST digits as the project uses them: a compact binary container, a deterministic stratified
 * train/test split, and the 28x28 -> 32x32, [0, 1] -> [-1, 1] preprocessing of the pipeline
 * (ARCHITECTURE.md). Pure functions over typed arrays: the same code runs in Node and in the browser.
 */
import { mulberry32, shuffleInPlace } from '../random';

export const DIGIT_SIZE = 28;
export const PADDED_SIZE = 32;
export const NUM_CLASSES = 10;
const PIXELS = DIGIT_SIZE * DIGIT_SIZE;

/** N digits: labels (0..9) and 8-bit greyscale pixels, row-major, 784 per digit. */
export interface DigitSet {
  count: number;
  labels: Uint8Array;
  pixels: Uint8Array;
}

// ---------------------------------------------------------------------------------------------
// Binary container: 'DLMN', version, rows, cols, 0, uint32 count (LE), count labels, count*784 pixels
// ---------------------------------------------------------------------------------------------

const MAGIC = [0x44, 0x4c, 0x4d, 0x4e]; // 'DLMN'
const VERSION = 1;
const HEADER_BYTES = 12;

export function encodeDigits(set: DigitSet): Uint8Array {
  if (set.labels.length !== set.count || set.pixels.length !== set.count * PIXELS) {
    throw new Error('encodeDigits: labels or pixels do not match count');
  }
  const out = new Uint8Array(HEADER_BYTES + set.count * (1 + PIXELS));
  out.set(MAGIC, 0);
  out[4] = VERSION;
  out[5] = DIGIT_SIZE;
  out[6] = DIGIT_SIZE;
  new DataView(out.buffer).setUint32(8, set.count, true);
  out.set(set.labels, HEADER_BYTES);
  out.set(set.pixels, HEADER_BYTES + set.count);
  return out;
}

export function decodeDigits(buffer: ArrayBuffer | Uint8Array): DigitSet {
  const bytes = buffer instanceof Uint8Array ? buffer : new Uint8Array(buffer);
  if (bytes.length < HEADER_BYTES || MAGIC.some((m, i) => bytes[i] !== m)) {
    throw new Error('Not a DiT Lab digit file (bad magic bytes)');
  }
  if (bytes[4] !== VERSION || bytes[5] !== DIGIT_SIZE || bytes[6] !== DIGIT_SIZE) {
    throw new Error(`Unsupported digit file: version ${bytes[4]}, ${bytes[5]}x${bytes[6]}`);
  }
  const count = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(8, true);
  const expected = HEADER_BYTES + count * (1 + PIXELS);
  if (bytes.length !== expected) {
    throw new Error(`Digit file is truncated or padded: ${bytes.length} bytes, expected ${expected} for ${count} digits`);
  }
  const labels = bytes.slice(HEADER_BYTES, HEADER_BYTES + count);
  if (labels.some((l) => l >= NUM_CLASSES)) throw new Error('Digit file has a label outside 0..9');
  return { count, labels, pixels: bytes.slice(HEADER_BYTES + count, expected) };
}

/** The digits at the given indices, as a new set. */
export function subset(set: DigitSet, indices: ArrayLike<number>): DigitSet {
  const n = indices.length;
  const labels = new Uint8Array(n);
  const pixels = new Uint8Array(n * PIXELS);
  for (let k = 0; k < n; k++) {
    const i = indices[k];
    labels[k] = set.labels[i];
    pixels.set(set.pixels.subarray(i * PIXELS, (i + 1) * PIXELS), k * PIXELS);
  }
  return { count: n, labels, pixels };
}

// ---------------------------------------------------------------------------------------------
// Split
// ---------------------------------------------------------------------------------------------

export interface Split {
  train: Int32Array;
  test: Int32Array;
}

/** The split every script, metric and widget uses. Changing it invalidates every shipped metric. */
export const DEFAULT_SPLIT = { testFraction: 0.1, seed: 20221219 } as const;

/**
 * A stratified split: within each class the indices are shuffled with a seeded RNG and the first
 * round(testFraction * classCount) go to test, so both halves keep the class proportions exactly.
 * Each half is returned in ascending index order (deterministic, independent of class order).
 */
export function stratifiedSplit(labels: Uint8Array, testFraction: number = DEFAULT_SPLIT.testFraction, seed: number = DEFAULT_SPLIT.seed): Split {
  if (!(testFraction > 0 && testFraction < 1)) throw new Error(`testFraction must be in (0, 1), got ${testFraction}`);
  const rng = mulberry32(seed);
  const train: number[] = [];
  const test: number[] = [];
  for (let c = 0; c < NUM_CLASSES; c++) {
    const members: number[] = [];
    labels.forEach((l, i) => {
      if (l === c) members.push(i);
    });
    shuffleInPlace(members, rng);
    const nTest = Math.round(members.length * testFraction);
    test.push(...members.slice(0, nTest));
    train.push(...members.slice(nTest));
  }
  const sorted = (a: number[]) => Int32Array.from(a.sort((x, y) => x - y));
  return { train: sorted(train), test: sorted(test) };
}

// ---------------------------------------------------------------------------------------------
// Preprocessing: 28x28 in [0, 255] -> 32x32 in [-1, 1], zero padding of 2 pixels mapped to -1
// ---------------------------------------------------------------------------------------------

/** Writes digit `index` of `set`, padded to 32x32 and scaled to [-1, 1], into out at offset. */
export function writePadded32(set: DigitSet, index: number, out: Float32Array, offset = 0): void {
  const pad = (PADDED_SIZE - DIGIT_SIZE) / 2;
  out.fill(-1, offset, offset + PADDED_SIZE * PADDED_SIZE);
  const src = index * PIXELS;
  for (let r = 0; r < DIGIT_SIZE; r++) {
    for (let c = 0; c < DIGIT_SIZE; c++) {
      out[offset + (r + pad) * PADDED_SIZE + (c + pad)] = (set.pixels[src + r * DIGIT_SIZE + c] / 255) * 2 - 1;
    }
  }
}

/** A batch of digits as (N, 32, 32, 1) floats in [-1, 1], row-major. */
export function paddedBatch(set: DigitSet, indices: ArrayLike<number>): Float32Array {
  const size = PADDED_SIZE * PADDED_SIZE;
  const out = new Float32Array(indices.length * size);
  for (let k = 0; k < indices.length; k++) writePadded32(set, indices[k], out, k * size);
  return out;
}

/** Indices of the digits with label y, in order. */
/** Indices of the first `per` digits of each class, class by class. */
export function firstPerClass(labels: Uint8Array, per: number): number[] {
  const out: number[] = [];
  for (let c = 0; c < 10; c++) {
    let taken = 0;
    labels.forEach((l, i) => {
      if (l === c && taken < per) {
        out.push(i);
        taken++;
      }
    });
  }
  return out;
}

export function indicesOfClass(set: DigitSet, y: number): number[] {
  const out: number[] = [];
  set.labels.forEach((l, i) => {
    if (l === y) out.push(i);
  });
  return out;
}
