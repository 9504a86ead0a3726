'use client';
import { useCanvas } from './use-canvas';
import { toRgba } from './pixels';

/**
 * N square pictures (row-major float32 in [-1, 1], size x size each) on one canvas, `cols` per row,
 * scaled up by CSS with image-rendering: pixelated. One canvas instead of N keeps a 16-picture
 * update to a single putImageData. Clicking a cell reports its index (when onPick is given).
 */
export function PictureGrid({
  values,
  count,
  cols,
  size = 32,
  gap = 1,
  label,
  selected,
  onPick,
  className,
  testId,
}: {
  values: Float32Array | null;
  count: number;
  cols: number;
  size?: number;
  gap?: number;
  label: string;
  selected?: number;
  onPick?: (index: number) => void;
  className?: string;
  testId?: string;
}) {
  const rows = Math.ceil(count / cols);
  const width = cols * size + (cols - 1) * gap;
  const height = rows * size + (rows - 1) * gap;

  const draw = values
    ? (ctx: CanvasRenderingContext2D) => {
        const image = ctx.createImageData(size, size);
        const px = size * size;
        for (let i = 0; i < count && (i + 1) * px <= values.length; i++) {
          toRgba(values.subarray(i * px, (i + 1) * px), image.data);
          ctx.putImageData(image, (i % cols) * (size + gap), Math.floor(i / cols) * (size + gap));
        }
        if (selected !== undefined && selected >= 0) {
          ctx.strokeStyle = '#f59e0b';
          ctx.lineWidth = 1;
          ctx.strokeRect((selected % cols) * (size + gap) + 0.5, Math.floor(selected / cols) * (size + gap) + 0.5, size - 1, size - 1);
        }
      }
    : null;
  const ref = useCanvas(width, height, draw, [values, count, cols, size, gap, width, height, selected]);

  return (
    <canvas
      ref={ref}
      width={width}
      height={height}
      role="img"
      aria-label={label}
      className={className}
      data-testid={testId}
      style={{ aspectRatio: `${width} / ${height}`, cursor: onPick ? 'pointer' : undefined }}
      onClick={
        onPick
          ? (e) => {
              const r = e.currentTarget.getBoundingClientRect();
              const x = ((e.clientX - r.left) / r.width) * width;
              const y = ((e.clientY - r.top) / r.height) * height;
              const i = Math.floor(y / (size + gap)) * cols + Math.floor(x / (size + gap));
              if (i >= 0 && i < count) onPick(i);
            }
          : undefined
      }
    />
  );
}
