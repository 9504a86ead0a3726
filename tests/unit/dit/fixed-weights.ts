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
