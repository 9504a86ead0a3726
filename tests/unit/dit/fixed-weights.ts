import { tf } from '@/lib/tf';
import type { DiTConfig } from '@/lib/dit/config';

/**
 * Deterministic numbers shared bit for bit with tests/reference/dit_reference.py: mulberry32 seeded by
 * the FNV-1a hash of a name, mapped to [-amplitude, amplitude) and rounded to float32.
 */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(s)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export function mulberry32(seed: number, n: number): Float64Array {
  let a = seed | 0;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    out[i] = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  return out;
}

export function fixedValues(name: string, shape: number[], amplitude: number): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  const u = mulberry32(fnv1a(name), n);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (2 * u[i] - 1) * amplitude;
  return out;
}

export function amplitudeFor(name: string, shape: number[]): number {
  if (name.endsWith('.bias')) return 0.1;
  if (name.includes('embedding_table')) return 0.5;
  const fanIn = shape.slice(1).reduce((a, b) => a * b, 1);
  return Math.sqrt(3 / fanIn);
}

/** A two-block DiT on 8x8x4 latents, small enough for exhaustive tests. */
export const TINY: DiTConfig = {
  inputSize: 8,
  inChannels: 4,
  patchSize: 2,
  hiddenSize: 32,
  depth: 2,
  numHeads: 4,
  mlpRatio: 4,
  numClasses: 10,
  learnSigma: true,
  classDropoutProb: 0.1,
  conditioning: 'adaLN-Zero',
};

/** n inputs for TINY: x (n, 8, 8, 4) from the seed, fixed timesteps and labels (10 is the null class). */
export function tinyInputs(n: number, seed = 1) {
  return {
    x: tf.randomNormal([n, 8, 8, 4], 0, 1, 'float32', seed),
    t: tf.tensor1d([0, 371, 999, 50, 500].slice(0, n)),
    y: tf.tensor1d([3, 10, 7, 0, 9].slice(0, n), 'int32'),
  };
}

/** A DiT on 4x4x4 latents with 3 classes, the smallest that trains and samples: `o` changes fields. */
export function microConfig(o: Partial<DiTConfig> = {}): DiTConfig {
  return {
    inputSize: 4,
    inChannels: 4,
    patchSize: 2,
    hiddenSize: 32,
    depth: 2,
    numHeads: 2,
    mlpRatio: 2,
    numClasses: 3,
    learnSigma: true,
    classDropoutProb: 0.1,
    conditioning: 'adaLN-Zero',
    ...o,
  };
}

/** `count` 4x4x4 latents for microConfig (labels cycle 0, 1, 2): means sin(freq * k), posterior std 0.1. */
export function microLatents(count: number, freq = 1) {
  return {
    count,
    size: 4,
    channels: 4,
    labels: Int32Array.from({ length: count }, (_, i) => i % 3),
    mean: Float32Array.from({ length: count * 64 }, (_, i) => Math.sin(freq * i)),
    std: new Float32Array(count * 64).fill(0.1),
  };
}
