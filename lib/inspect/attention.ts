/**
 * Reading the attention probabilities an 'attention' request returns (lib/inspect/loaders.ts), for
 * the attention-maps widget: one query's row, the mean over heads, and the two summaries chapter 8
 * defines (entropy and mean attention distance). Pure functions on typed arrays.
 *
 * attn is (L, H, T, T) row-major: [block][head][query][key]; every row sums to 1.
 * Letters: L blocks, H heads, T tokens, g = sqrt(T) token-grid side.
 */

export interface AttentionDims {
  depth: number;
  heads: number;
  tokens: number;
}

/** Offset of row (block, head, query) in attn. */
function rowOffset(d: AttentionDims, block: number, head: number, query: number): number {
  if (block < 0 || block >= d.depth || head < 0 || head >= d.heads || query < 0 || query >= d.tokens) {
    throw new Error(`no attention row for block ${block}, head ${head}, query ${query} in (${d.depth}, ${d.heads}, ${d.tokens}, ${d.tokens})`);
  }
  return ((block * d.heads + head) * d.tokens + query) * d.tokens;
}

/** The (T, T) matrix of one block and head (a view, not a copy). */
export function attentionMatrix(attn: Float32Array, d: AttentionDims, block: number, head: number): Float32Array {
  const o = rowOffset(d, block, head, 0);
  return attn.subarray(o, o + d.tokens * d.tokens);
}

/** Row `query` of one head: where that token reads from, (T) summing to 1 (a view). */
export function attentionRow(attn: Float32Array, d: AttentionDims, block: number, head: number, query: number): Float32Array {
  const o = rowOffset(d, block, head, query);
  return attn.subarray(o, o + d.tokens);
}

/** Row `query` averaged over the heads of a block: what the block as a whole reads, (T) summing to 1. */
export function headMeanRow(attn: Float32Array, d: AttentionDims, block: number, query: number): Float32Array {
  const out = new Float32Array(d.tokens);
  for (let h = 0; h < d.heads; h++) {
    const row = attentionRow(attn, d, block, h, query);
    for (let k = 0; k < d.tokens; k++) out[k] += row[k] / d.heads;
  }
  return out;
}

/** Entropy of a row in nats: 0 when one key takes all the weight, log T when the row is uniform. */
export function rowEntropy(row: ArrayLike<number>): number {
  let h = 0;
  for (let k = 0; k < row.length; k++) if (row[k] > 0) h -= row[k] * Math.log(row[k]);
  return h;
}

/** Mean attention distance of a row in grid units: sum_j A_ij |pos_i - pos_j| on the g x g token grid. */
export function meanDistance(row: ArrayLike<number>, query: number, g: number): number {
  const qi = Math.floor(query / g);
  const qj = query % g;
  let d = 0;
  for (let k = 0; k < row.length; k++) d += row[k] * Math.hypot(Math.floor(k / g) - qi, (k % g) - qj);
  return d;
}

export interface HeadSummary {
  /** Mean over queries of the row entropy (nats). */
  entropy: number;
  /** Mean over queries of the mean attention distance (grid units). */
  distance: number;
  /** The key offset (di, dj) most queries give their largest weight to, and how many do: a "shift" head reads one neighbour. */
  offset: { di: number; dj: number; share: number };
}

/** Per block and head, (L x H) summaries, block-major. */
export function summarize(attn: Float32Array, d: AttentionDims): HeadSummary[] {
  const g = Math.round(Math.sqrt(d.tokens));
  const out: HeadSummary[] = [];
  for (let l = 0; l < d.depth; l++) {
    for (let h = 0; h < d.heads; h++) {
      let entropy = 0;
      let distance = 0;
      const votes = new Map<string, number>();
      for (let q = 0; q < d.tokens; q++) {
        const row = attentionRow(attn, d, l, h, q);
        entropy += rowEntropy(row);
        distance += meanDistance(row, q, g);
        let best = 0;
        for (let k = 1; k < d.tokens; k++) if (row[k] > row[best]) best = k;
        const key = `${Math.floor(best / g) - Math.floor(q / g)},${(best % g) - (q % g)}`;
        votes.set(key, (votes.get(key) ?? 0) + 1);
      }
      const [top, count] = [...votes.entries()].sort((a, b) => b[1] - a[1])[0];
      const [di, dj] = top.split(',').map(Number);
      out.push({ entropy: entropy / d.tokens, distance: distance / d.tokens, offset: { di, dj, share: count / d.tokens } });
    }
  }
  return out;
}

/** Mean attention distance of a uniform row for each query, averaged: the "reads everywhere" reference. */
export function uniformDistance(g: number): number {
  const t = g * g;
  const row = new Float32Array(t).fill(1 / t);
  let s = 0;
  for (let q = 0; q < t; q++) s += meanDistance(row, q, g);
  return s / t;
}
