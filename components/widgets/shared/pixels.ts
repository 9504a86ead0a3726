/** Pictures in [-1, 1] (the decoder's range) as canvas pixels. */

/** Greyscale pixels for a canvas: [-1, 1] -> [0, 255], values outside clipped (as image viewers do). */
export function toRgba(values: Float32Array, out: Uint8ClampedArray): Uint8ClampedArray {
  for (let i = 0; i < values.length; i++) {
    const g = Math.round(((Math.min(1, Math.max(-1, values[i])) + 1) / 2) * 255);
    out[4 * i] = g;
    out[4 * i + 1] = g;
    out[4 * i + 2] = g;
    out[4 * i + 3] = 255;
  }
  return out;
}
