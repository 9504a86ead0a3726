import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { symmetricEigen, sqrtmPsd, matmul } from '@/lib/metrics/linalg';
import { frechetDistance, gaussianStats, traceSqrtProduct, conditionalAccuracy, mcnemarExact, pairedVerdicts } from '@/lib/metrics/frechet';
import { mulberry32 } from '@/lib/random';

function randomSymmetric(n: number, seed: number): Float64Array {
  const r = mulberry32(seed);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) a[i * n + j] = a[j * n + i] = r() * 2 - 1;
  return a;
}

/** B B^T + eps I: a random symmetric positive definite matrix. */
function randomSpd(n: number, seed: number): Float64Array {
  const b = randomSymmetric(n, seed);
  const bt = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) bt[i * n + j] = b[j * n + i];
  const s = matmul(b, bt, n);
  for (let i = 0; i < n; i++) s[i * n + i] += 0.1;
  return s;
}

const diag = (d: number[]) => {
  const n = d.length;
  const m = new Float64Array(n * n);
  d.forEach((v, i) => (m[i * n + i] = v));
  return m;
};

describe('symmetric eigendecomposition (Jacobi)', () => {
  it('reconstructs A = V diag(l) V^T with orthonormal V', () => {
    const n = 20;
    const a = randomSymmetric(n, 7);
    const { values, vectors } = symmetricEigen(a, n);
    for (let k = 1; k < n; k++) expect(values[k]).toBeGreaterThanOrEqual(values[k - 1]);
    let maxErr = 0;
    let maxOrth = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        let o = 0;
        for (let k = 0; k < n; k++) {
          s += vectors[i * n + k] * values[k] * vectors[j * n + k];
          o += vectors[k * n + i] * vectors[k * n + j];
        }
        maxErr = Math.max(maxErr, Math.abs(s - a[i * n + j]));
        maxOrth = Math.max(maxOrth, Math.abs(o - (i === j ? 1 : 0)));
      }
    }
    expect(maxErr).toBeLessThan(1e-12);
    expect(maxOrth).toBeLessThan(1e-12);
  });

  it('finds the eigenvalues 1 and 3 of [[2, 1], [1, 2]]', () => {
    const { values } = symmetricEigen([2, 1, 1, 2], 2);
    expect(values[0]).toBeCloseTo(1, 14);
    expect(values[1]).toBeCloseTo(3, 14);
  });

  it('sqrtmPsd squares back to the matrix', () => {
    const n = 12;
    const s = randomSpd(n, 3);
    const r = sqrtmPsd(s, n);
    const rr = matmul(r, r, n);
    for (let i = 0; i < n * n; i++) expect(rr[i]).toBeCloseTo(s[i], 10);
  });
});

describe('frechet-distance: Frechet distance between Gaussians', () => {
  it('frechet-distance: diagonal covariances give sum (sqrt a - sqrt b)^2 plus the mean term', () => {
    const a = { dim: 3, mu: Float64Array.from([0, 1, 2]), sigma: diag([1, 4, 9]) };
    const b = { dim: 3, mu: Float64Array.from([1, 1, 0]), sigma: diag([4, 1, 16]) };
    // (1-2)^2 + (2-1)^2 + (3-4)^2 = 3; |mu|^2 = 1 + 0 + 4 = 5.
    expect(frechetDistance(a, b)).toBeCloseTo(8, 12);
  });

  it('frechet-distance: commuting covariances (shared eigenvectors) reduce to their eigenvalues', () => {
    const n = 6;
    const { vectors: q } = symmetricEigen(randomSymmetric(n, 11), n);
    const l1 = [0.5, 1, 2, 3, 0.1, 4];
    const l2 = [2, 1, 0.5, 3, 0.4, 1];
    const build = (l: number[]) => {
      const m = new Float64Array(n * n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) m[i * n + j] += q[i * n + k] * l[k] * q[j * n + k];
      return m;
    };
    const mu = new Float64Array(n);
    const expected = l1.reduce((s, v, k) => s + (Math.sqrt(v) - Math.sqrt(l2[k])) ** 2, 0);
    expect(frechetDistance({ dim: n, mu, sigma: build(l1) }, { dim: n, mu, sigma: build(l2) })).toBeCloseTo(expected, 10);
  });

  it('frechet-distance: hand-computed 2x2 with non-commuting covariances', () => {
    // S1 = diag(1, 4), S2 = [[2, 1], [1, 2]]: S1 S2 = [[2, 1], [4, 8]], trace 10, det 12. For a 2x2
    // matrix with non-negative eigenvalues, Tr sqrt = sqrt(trace + 2 sqrt(det)) = sqrt(10 + 2 sqrt 12).
    const s1 = diag([1, 4]);
    const s2 = Float64Array.from([2, 1, 1, 2]);
    const trSqrt = Math.sqrt(10 + 2 * Math.sqrt(12));
    expect(traceSqrtProduct(s1, s2, 2)).toBeCloseTo(trSqrt, 13);
    const mu = new Float64Array(2);
    expect(frechetDistance({ dim: 2, mu, sigma: s1 }, { dim: 2, mu, sigma: s2 })).toBeCloseTo(9 - 2 * trSqrt, 12);
  });

  it('frechet-distance: is zero for identical statistics and symmetric in its arguments', () => {
    const n = 10;
    const s1 = randomSpd(n, 21);
    const s2 = randomSpd(n, 22);
    const mu = new Float64Array(n).fill(0.5);
    expect(Math.abs(frechetDistance({ dim: n, mu, sigma: s1 }, { dim: n, mu, sigma: s1 }))).toBeLessThan(1e-9);
    const ab = frechetDistance({ dim: n, mu, sigma: s1 }, { dim: n, mu, sigma: s2 });
    const ba = frechetDistance({ dim: n, mu, sigma: s2 }, { dim: n, mu, sigma: s1 });
    expect(ab).toBeGreaterThan(0);
    expect(ab).toBeCloseTo(ba, 9);
  });

  const ref = JSON.parse(readFileSync('tests/unit/metrics/fixtures/frechet-reference.json', 'utf8')) as {
    cases: { name: string; dim: number; countA: number; countB: number; a: number[]; b: number[]; fd: number; traceSqrt: number }[];
  };
  for (const c of ref.cases) {
    it(`frechet: matches torch float64 (eigvals of S1 S2), ${c.name}`, () => {
      const a = gaussianStats(c.a, c.countA, c.dim);
      const b = gaussianStats(c.b, c.countB, c.dim);
      expect(traceSqrtProduct(a.sigma, b.sigma, c.dim)).toBeCloseTo(c.traceSqrt, 6);
      expect(frechetDistance(a, b)).toBeCloseTo(c.fd, 6);
    });
  }
});

describe('gaussianStats and conditional accuracy', () => {
  it('uses the unbiased covariance (numpy.cov)', () => {
    // Samples (0, 0), (2, 2), (4, 1): mean (2, 1); cov = [[4, 1], [1, 1]].
    const s = gaussianStats([0, 0, 2, 2, 4, 1], 3, 2);
    expect(Array.from(s.mu)).toEqual([2, 1]);
    expect(Array.from(s.sigma)).toEqual([4, 1, 1, 1]);
  });

  it('conditional accuracy counts samples labelled as the class they were generated for', () => {
    const r = conditionalAccuracy([0, 0, 1, 1, 1, 2], [0, 5, 1, 1, 0, 2]);
    expect(r.overall).toBeCloseTo(4 / 6, 12);
    expect(r.perClass.slice(0, 3)).toEqual([0.5, 2 / 3, 1]);
    expect(Number.isNaN(r.perClass[3])).toBe(true);
  });
});

describe('mcnemarExact (paired test for the quantisation check)', () => {
  // Expected values from exact binomial sums in Python (math.comb), independent of this code.
  const cases: [number, number, number][] = [
    [0, 0, 1],
    [1, 0, 1],
    [5, 0, 0.0625],
    [6, 0, 0.03125],
    [3, 1, 0.625],
    [8, 2, 0.109375],
    [12, 3, 0.03515625],
    [40, 60, 0.05688793364098079],
    [500, 450, 0.11183864514157879],
  ];
  it.each(cases)('b=%i c=%i gives p=%f', (b, c, p) => {
    expect(mcnemarExact(b, c)).toBeCloseTo(p, 12);
    expect(mcnemarExact(c, b)).toBeCloseTo(p, 12);
  });
  it('pairedVerdicts counts the draws only one side gets right', () => {
    const intended = [0, 1, 2, 3, 4, 5];
    const a = [0, 1, 2, 9, 9, 5];
    const b = [0, 9, 2, 3, 4, 9];
    expect(pairedVerdicts(intended, a, b)).toEqual({ onlyA: 2, onlyB: 2, pValue: 1 });
    expect(() => pairedVerdicts(intended, a, b.slice(1))).toThrow(/length/);
  });
});
