/**
 * The Frechet LeNet Distance (FLD): the Frechet (2-Wasserstein) distance between Gaussians fitted to
 * the penultimate-layer features of the project's digit classifier (classifier.ts), the MNIST-scale
 * counterpart of the paper's FID. It is NOT FID (no Inception network) and is never called that.
 *
 * Eq. frechet-distance: d^2 = |mu1 - mu2|^2 + Tr(S1 + S2 - 2 (S1 S2)^{1/2}).
 * (S1 S2)^{1/2} is not symmetric, but it is similar to the symmetric PSD matrix
 * (S1^{1/2} S2 S1^{1/2})^{1/2}, so Tr (S1 S2)^{1/2} = sum_k sqrt(lambda_k(S1^{1/2} S2 S1^{1/2})):
 * two symmetric eigendecompositions, no general (complex) matrix square root.
 */
import { matmul, sqrtmPsd, symmetricEigen } from './linalg';

export interface GaussianStats {
  dim: number;
  count: number;
  mu: Float64Array;
  /** Unbiased covariance (divides by count - 1, as numpy.cov), row-major dim x dim. */
  sigma: Float64Array;
}

/** Mean and covariance of `count` feature vectors of size dim, row-major. */
export function gaussianStats(features: ArrayLike<number>, count: number, dim: number): GaussianStats {
  if (features.length !== count * dim) throw new Error(`gaussianStats: ${features.length} values for ${count} x ${dim}`);
  if (count < 2) throw new Error('gaussianStats: need at least 2 samples');
  const mu = new Float64Array(dim);
  for (let s = 0; s < count; s++) for (let i = 0; i < dim; i++) mu[i] += features[s * dim + i];
  for (let i = 0; i < dim; i++) mu[i] /= count;
  const sigma = new Float64Array(dim * dim);
  const centred = new Float64Array(dim);
  for (let s = 0; s < count; s++) {
    for (let i = 0; i < dim; i++) centred[i] = features[s * dim + i] - mu[i];
    for (let i = 0; i < dim; i++) {
      const ci = centred[i];
      for (let j = i; j < dim; j++) sigma[i * dim + j] += ci * centred[j];
    }
  }
  for (let i = 0; i < dim; i++) {
    for (let j = i; j < dim; j++) {
      const v = sigma[i * dim + j] / (count - 1);
      sigma[i * dim + j] = v;
      sigma[j * dim + i] = v;
    }
  }
  return { dim, count, mu, sigma };
}

/** Tr((S1 S2)^{1/2}) for symmetric PSD S1, S2, via the similar symmetric matrix S1^{1/2} S2 S1^{1/2}. */
export function traceSqrtProduct(s1: Float64Array, s2: Float64Array, n: number): number {
  const r = sqrtmPsd(s1, n);
  const m = matmul(matmul(r, s2, n), r, n);
  const { values } = symmetricEigen(m, n);
  let tr = 0;
  for (const l of values) tr += Math.sqrt(Math.max(l, 0));
  return tr;
}

/** Eq. frechet-distance: squared Frechet distance between N(mu1, S1) and N(mu2, S2). */
export function frechetDistance(a: Pick<GaussianStats, 'dim' | 'mu' | 'sigma'>, b: Pick<GaussianStats, 'dim' | 'mu' | 'sigma'>): number {
  if (a.dim !== b.dim) throw new Error(`frechetDistance: dimensions differ (${a.dim} vs ${b.dim})`);
  const n = a.dim;
  let meanTerm = 0;
  for (let i = 0; i < n; i++) meanTerm += (a.mu[i] - b.mu[i]) ** 2;
  let tr = 0;
  for (let i = 0; i < n; i++) tr += a.sigma[i * n + i] + b.sigma[i * n + i];
  return meanTerm + tr - 2 * traceSqrtProduct(a.sigma, b.sigma, n);
}

/** Conditional accuracy: the share of samples generated for class y that the classifier labels y. */
export function conditionalAccuracy(intended: ArrayLike<number>, predicted: ArrayLike<number>): { overall: number; perClass: number[] } {
  if (intended.length !== predicted.length) throw new Error('conditionalAccuracy: length mismatch');
  const hit = new Array<number>(10).fill(0);
  const tot = new Array<number>(10).fill(0);
  let all = 0;
  for (let i = 0; i < intended.length; i++) {
    const y = intended[i];
    tot[y] += 1;
    if (predicted[i] === y) {
      hit[y] += 1;
      all += 1;
    }
  }
  return { overall: intended.length ? all / intended.length : NaN, perClass: tot.map((t, y) => (t ? hit[y] / t : NaN)) };
}

/**
 * Exact McNemar test for two sets of classifier verdicts on the same draws (paired): b draws right
 * only under the first weights, c right only under the second. Under "no difference" each discordant
 * draw is a fair coin, so the two-sided p-value is 2 P(Binomial(b + c, 1/2) <= min(b, c)), capped at 1.
 */
export function mcnemarExact(b: number, c: number): number {
  const n = b + c;
  if (n === 0) return 1;
  const k = Math.min(b, c);
  // Sum the binomial pmf in log space: n can be a thousand, where 2^-n underflows in plain floats.
  let logC = 0; // log C(n, 0)
  let tail = 0;
  for (let i = 0; i <= k; i++) {
    if (i > 0) logC += Math.log(n - i + 1) - Math.log(i);
    tail += Math.exp(logC - n * Math.LN2);
  }
  return Math.min(1, 2 * tail);
}

/** Paired comparison of two verdict sets against the intended labels (see mcnemarExact). */
export function pairedVerdicts(intended: ArrayLike<number>, a: ArrayLike<number>, b: ArrayLike<number>): { onlyA: number; onlyB: number; pValue: number } {
  if (intended.length !== a.length || a.length !== b.length) throw new Error('pairedVerdicts: length mismatch');
  let onlyA = 0,
    onlyB = 0;
  for (let i = 0; i < intended.length; i++) {
    const ra = a[i] === intended[i],
      rb = b[i] === intended[i];
    if (ra && !rb) onlyA++;
    else if (rb && !ra) onlyB++;
  }
  return { onlyA, onlyB, pValue: mcnemarExact(onlyA, onlyB) };
}
