/**
 * Spearman's rank correlation, for "does more compute give a lower FLD?" over the shipped scaling grid
 * (chapter 9 reports it beside the paper's, whatever it turns out to be).
 *
 * rho is Pearson's correlation of the ranks; tied values share the mean of the ranks they span (the
 * usual convention, e.g. scipy.stats.spearmanr). With no ties it equals 1 - 6 sum d^2 / (n (n^2 - 1)).
 */

/** 1-based ranks of xs; ties get the mean of the ranks they occupy. */
export function averageRanks(xs: readonly number[]): number[] {
  const order = xs.map((v, i) => ({ v, i })).sort((a, b) => a.v - b.v);
  const ranks = new Array<number>(xs.length);
  let k = 0;
  while (k < order.length) {
    let j = k;
    while (j + 1 < order.length && order[j + 1].v === order[k].v) j++;
    const mean = (k + j) / 2 + 1; // positions k..j hold ranks k+1..j+1
    for (let m = k; m <= j; m++) ranks[order[m].i] = mean;
    k = j + 1;
  }
  return ranks;
}

function pearson(a: readonly number[], b: readonly number[]): number | null {
  const n = a.length;
  const ma = a.reduce((s, v) => s + v, 0) / n;
  const mb = b.reduce((s, v) => s + v, 0) / n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  if (saa === 0 || sbb === 0) return null; // a constant variable has no rank order to correlate
  return sab / Math.sqrt(saa * sbb);
}

export interface RankCorrelation {
  /** Spearman's rho in [-1, 1]. */
  rho: number;
  /** Number of pairs it was computed from. */
  n: number;
}

/**
 * Spearman's rho of paired samples, or null when it is undefined: fewer than 3 pairs (two points
 * always give +-1, which says nothing), or one variable constant. Throws on unequal lengths or
 * non-finite values (a bug upstream, not a result).
 */
export function spearman(x: readonly number[], y: readonly number[]): RankCorrelation | null {
  if (x.length !== y.length) throw new Error(`spearman: ${x.length} x values but ${y.length} y values`);
  if ([...x, ...y].some((v) => !Number.isFinite(v))) throw new Error('spearman: values must be finite numbers');
  if (x.length < 3) return null;
  const rho = pearson(averageRanks(x), averageRanks(y));
  return rho === null ? null : { rho: Math.max(-1, Math.min(1, rho)), n: x.length };
}
