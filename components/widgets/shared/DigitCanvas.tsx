'use client';
import type { ReactNode } from 'react';
import { useCanvas } from './use-canvas';
import { PADDED_SIZE } from '@/lib/data/mnist';
import { toRgba } from './pixels';

/**
 * A label for a picture that stands alone (role img), or decorative for one under an overlay that
 * carries the meaning (hidden from assistive technology, like the attention widget's query picker).
 */
type DigitCanvasName = { label: string; decorative?: never } | { decorative: true; label?: never };

/**
 * A 32x32 picture in [-1, 1] on a 32x32 canvas, scaled up by CSS with image-rendering: pixelated.
 * Drawn in a layout effect, so a change is on screen in the same frame as the state change.
 * values = null draws nothing (the loading skeleton keeps the same size).
 */
export function DigitCanvas({
  values,
  label,
  decorative,
  className,
  testId,
}: { values: Float32Array | null; className?: string; testId?: string } & DigitCanvasName) {
  const draw = values
    ? (ctx: CanvasRenderingContext2D) => {
        const image = ctx.createImageData(PADDED_SIZE, PADDED_SIZE);
        toRgba(values, image.data);
        ctx.putImageData(image, 0, 0);
      }
    : null;
  const ref = useCanvas(PADDED_SIZE, PADDED_SIZE, draw, [values]);
  const name = decorative ? { 'aria-hidden': true } : { role: 'img', 'aria-label': label };
  return <canvas ref={ref} width={PADDED_SIZE} height={PADDED_SIZE} {...name} className={className} data-testid={testId} />;
}

/** A DigitCanvas with its caption under it, as a <figure>. */
export function DigitFigure({
  caption,
  figureClassName,
  ...canvas
}: {
  caption: ReactNode;
  figureClassName?: string;
  values: Float32Array | null;
  label: string;
  className?: string;
  testId?: string;
}) {
  return (
    <figure className={figureClassName}>
      <DigitCanvas {...canvas} />
      <figcaption>{caption}</figcaption>
    </figure>
  );
}
