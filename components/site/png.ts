/**
 * Small greyscale PNGs for build-time pictures inlined as data URIs (the home page's forward-diffusion
 * strip): no file to ship, no client JavaScript. Server-only (pngjs, Node Buffer).
 */
import { PNG } from 'pngjs';

/** PNG bytes of a width x height greyscale picture given row-major 8-bit values (0 black, 255 white). */
export function encodeGreyPng(width: number, height: number, grey: Uint8Array): Uint8Array {
  if (grey.length !== width * height) throw new Error(`encodeGreyPng: ${grey.length} values for ${width}x${height}`);
  // pngjs packs one byte per pixel when told the input is greyscale without alpha.
  const image = { width, height, data: Buffer.from(grey) } as unknown as PNG;
  return new Uint8Array(PNG.sync.write(image, { colorType: 0, inputColorType: 0, inputHasAlpha: false }));
}

/** Values in [-1, 1] (the pipeline's pixel range) to 8-bit greys, clipped as an image viewer would. */
export function toGrey(values: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = Math.round(((Math.min(1, Math.max(-1, values[i])) + 1) / 2) * 255);
  return out;
}

export function pngDataUri(png: Uint8Array): string {
  return `data:image/png;base64,${Buffer.from(png).toString('base64')}`;
}
