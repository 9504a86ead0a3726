/**
 * The fixed 2D sin-cos position embedding, in plain TypeScript (no tfjs), so that page code such as
 * the patchify widget can use it without loading TensorFlow.js; lib/dit/embeddings.ts re-exports it.
 */

// ---------------------------------------------------------------------------------------------
// Fixed 2D sin-cos position embedding (MAE's get_2d_sincos_pos_embed, as models.py uses it)
// ---------------------------------------------------------------------------------------------

/** 1D sin-cos embedding: for positions m and dim D, [sin(m w_i), cos(m w_i)], w_i = 10000^(-i/(D/2)), i < D/2. Float64. */
export function sinCos1d(dim: number, positions: ArrayLike<number>): Float64Array[] {
  if (dim % 2 !== 0) throw new Error(`sin-cos embedding needs an even dimension (got ${dim})`);
  const half = dim / 2;
  const rows: Float64Array[] = [];
  for (let m = 0; m < positions.length; m++) {
    const row = new Float64Array(dim);
    for (let i = 0; i < half; i++) {
      const omega = 1 / Math.pow(10000, i / half);
      const a = positions[m] * omega;
      row[i] = Math.sin(a);
      row[half + i] = Math.cos(a);
    }
    rows.push(row);
  }
  return rows;
}

/**
 * Eq. pos-embed-2d: position embedding of a g x g patch grid, (g*g, D) row-major, as a Float32Array.
 * The first D/2 features encode the column and the last D/2 the row: MAE builds the grid with
 * np.meshgrid(grid_w, grid_h), so its "emb_h" half actually reads the column index.
 */
export function get2dSinCosPosEmbed(dim: number, gridSize: number): Float32Array {
  if (dim % 4 !== 0) throw new Error(`2D sin-cos embedding needs a dimension divisible by 4 (got ${dim})`);
  const t = gridSize * gridSize;
  const cols = Array.from({ length: t }, (_, k) => k % gridSize);
  const rows = Array.from({ length: t }, (_, k) => Math.floor(k / gridSize));
  const embCol = sinCos1d(dim / 2, cols);
  const embRow = sinCos1d(dim / 2, rows);
  const out = new Float32Array(t * dim);
  for (let k = 0; k < t; k++) {
    out.set(embCol[k], k * dim);
    out.set(embRow[k], k * dim + dim / 2);
  }
  return out;
}
