/**
 * Small dense linear algebra in float64 for the Frechet distance: symmetric eigendecomposition by
 * the cyclic Jacobi method, and the square root of a symmetric positive semi-definite matrix.
 * Matrices are row-major Float64Arrays of n*n values. Feature dimensions here are ~100, where Jacobi
 * costs a few sweeps of O(n^3) each: milliseconds.
 */

export interface SymmetricEigen {
  /** Eigenvalues, ascending. */
  values: Float64Array;
  /** Eigenvectors as columns: vectors[i * n + k] is component i of eigenvector k. */
  vectors: Float64Array;
}

/** C = A B for n x n row-major matrices. */
export function matmul(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const c = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) {
      const aik = a[i * n + k];
      if (aik === 0) continue;
      for (let j = 0; j < n; j++) c[i * n + j] += aik * b[k * n + j];
    }
  }
  return c;
}

/**
 * Eigendecomposition A = V diag(values) V^T of a symmetric matrix by cyclic Jacobi rotations
 * (Golub & Van Loan, section 8.5), until the off-diagonal mass is below tol relative to the norm.
 * The input is symmetrised first ((A + A^T) / 2) and not modified.
 */
export function symmetricEigen(aIn: Float64Array | number[], n: number, tol = 1e-14, maxSweeps = 100): SymmetricEigen {
  if (aIn.length !== n * n) throw new Error(`symmetricEigen: expected ${n * n} values, got ${aIn.length}`);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] = 0.5 * (aIn[i * n + j] + aIn[j * n + i]);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  let norm = 0;
  for (let i = 0; i < n * n; i++) norm += a[i] * a[i];
  norm = Math.sqrt(norm);
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let off = 0;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) off += a[i * n + j] * a[i * n + j];
    if (Math.sqrt(2 * off) <= tol * Math.max(norm, Number.MIN_VALUE)) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (apq === 0) continue;
        const app = a[p * n + p];
        const aqq = a[q * n + q];
        // Rotation angle that zeroes a[p][q]: tan(2 theta) = 2 apq / (aqq - app), the smaller root.
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          // A <- A J (columns p, q)
          const akp = a[k * n + p];
          const akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          // A <- J^T A (rows p, q)
          const apk = a[p * n + k];
          const aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        a[p * n + q] = 0;
        a[q * n + p] = 0;
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p];
          const vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => a[i * n + i] - a[j * n + j]);
  const values = Float64Array.from(order, (i) => a[i * n + i]);
  const vectors = new Float64Array(n * n);
  order.forEach((src, k) => {
    for (let i = 0; i < n; i++) vectors[i * n + k] = v[i * n + src];
  });
  return { values, vectors };
}

/**
 * The symmetric PSD square root V diag(sqrt(max(lambda, 0))) V^T. Eigenvalues that round-off makes
 * slightly negative are clamped to zero (a covariance is PSD).
 */
export function sqrtmPsd(a: Float64Array | number[], n: number): Float64Array {
  const { values, vectors } = symmetricEigen(a, n);
  const out = new Float64Array(n * n);
  for (let k = 0; k < n; k++) {
    const r = Math.sqrt(Math.max(values[k], 0));
    if (r === 0) continue;
    for (let i = 0; i < n; i++) {
      const vik = vectors[i * n + k] * r;
      if (vik === 0) continue;
      for (let j = 0; j < n; j++) out[i * n + j] += vik * vectors[j * n + k];
    }
  }
  return out;
}
