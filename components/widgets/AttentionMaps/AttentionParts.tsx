'use client';
/**
 * Drawings of the attention widget, plain props only: one query's attention over the token grid laid
 * over the digit, a T x T attention matrix, the clickable query picker, and the colour legend.
 * Colour: inferno of sqrt(weight), a fixed scale for every map, so maps compare across blocks, heads
 * and timesteps (the square root spreads the small weights: uniform rows hold 1/16).
 */
import type { KeyboardEvent } from 'react';
import { useCanvas } from '../shared/use-canvas';
import { interpolateInferno, rgb } from 'd3';
import { DigitCanvas } from '@/components/widgets/shared/DigitCanvas';
import styles from './AttentionMaps.module.css';

/** [r, g, b] of a probability in [0, 1]. */
export function heat(w: number): [number, number, number] {
  const c = rgb(interpolateInferno(Math.sqrt(Math.min(1, Math.max(0, w)))));
  return [c.r, c.g, c.b];
}

/** One query's row (T weights) over the g x g token grid, on top of the digit; the query's square outlined. */
export function OverlayCell({
  pixels,
  row,
  g,
  query,
  label,
  testId,
}: {
  pixels: Float32Array | null;
  row: Float32Array | null;
  g: number;
  query: number;
  label: string;
  testId?: string;
}) {
  const draw =
    row && pixels
      ? (ctx: CanvasRenderingContext2D) => {
          const img = ctx.createImageData(32, 32);
          const cell = 32 / g;
          const qi = Math.floor(query / g);
          const qj = query % g;
          for (let y = 0; y < 32; y++) {
            for (let x = 0; x < 32; x++) {
              const k = Math.floor(y / cell) * g + Math.floor(x / cell);
              const [r, gg, b] = heat(row[k]);
              const d = (Math.min(1, Math.max(-1, pixels[y * 32 + x])) + 1) / 2; // the stroke lightens the colour
              const m = 0.5 * d;
              const o = 4 * (y * 32 + x);
              const onEdge =
                Math.floor(y / cell) === qi &&
                Math.floor(x / cell) === qj &&
                (y % cell === 0 || x % cell === 0 || y % cell === cell - 1 || x % cell === cell - 1);
              if (onEdge) img.data.set([34, 211, 238, 255], o);
              else img.data.set([r * (1 - m) + 255 * m, gg * (1 - m) + 255 * m, b * (1 - m) + 255 * m, 255], o);
            }
          }
          ctx.putImageData(img, 0, 0);
        }
      : null;
  const ref = useCanvas(32, 32, draw, [pixels, row, g, query]);
  return <canvas ref={ref} width={32} height={32} className={styles.overlay} role="img" aria-label={label} data-testid={testId} />;
}

/** A T x T attention matrix (rows: queries, columns: keys), the query's row outlined. */
export function MatrixCell({
  matrix,
  tokens,
  query,
  label,
  testId,
}: {
  matrix: Float32Array | null;
  tokens: number;
  query: number;
  label: string;
  testId?: string;
}) {
  const draw = matrix
    ? (ctx: CanvasRenderingContext2D) => {
        const img = ctx.createImageData(tokens, tokens);
        for (let k = 0; k < tokens * tokens; k++) img.data.set([...heat(matrix[k]), 255], 4 * k);
        ctx.putImageData(img, 0, 0);
      }
    : null;
  const ref = useCanvas(tokens, tokens, draw, [matrix, tokens]);
  return (
    <div className={styles.matrixBox}>
      <canvas ref={ref} width={tokens} height={tokens} className={styles.matrix} role="img" aria-label={label} data-testid={testId} />
      {matrix && <div className={styles.matrixRow} style={{ top: `${(query / tokens) * 100}%`, height: `${100 / tokens}%` }} aria-hidden="true" />}
    </div>
  );
}

/** The clean digit with its token grid: click a square (or use the arrow keys) to choose the query token. */
export function QueryPicker({
  pixels,
  g,
  query,
  onQuery,
  onKey,
}: {
  pixels: Float32Array | null;
  g: number;
  query: number;
  onQuery: (k: number) => void;
  onKey: (e: KeyboardEvent) => void;
}) {
  const cell = 32 / g;
  const qi = Math.floor(query / g);
  const qj = query % g;
  return (
    <div
      className={styles.picker}
      tabIndex={0}
      role="group"
      aria-label={`Query token ${query} (row ${qi}, column ${qj}) of the ${g}x${g} token grid. Click a square or use the arrow keys to choose another.`}
      onKeyDown={onKey}
      data-testid="am-picker"
    >
      <DigitCanvas values={pixels} decorative className={styles.pickerDigit} />
      <svg viewBox="0 0 32 32" className={styles.pickerGrid} aria-hidden="true">
        {Array.from({ length: g * g }, (_, k) => (
          <g key={k} onClick={() => onQuery(k)} data-token={k}>
            <rect x={(k % g) * cell} y={Math.floor(k / g) * cell} width={cell} height={cell} className={styles.pickerCell} />
            <text x={((k % g) + 0.5) * cell} y={(Math.floor(k / g) + 0.5) * cell} className={styles.pickerIndex}>
              {k}
            </text>
          </g>
        ))}
        <rect x={qj * cell} y={qi * cell} width={cell} height={cell} className={styles.pickerChosen} />
      </svg>
    </div>
  );
}

const TICKS = [0, 1 / 16, 0.25, 0.5, 1];

/** The colour bar shared by every map. */
export function HeatLegend() {
  const stops = Array.from({ length: 21 }, (_, k) => k / 20);
  return (
    <div
      className={styles.legend}
      role="img"
      aria-label="Colour scale: attention weight from 0 (black) to 1 (pale yellow), on a square-root scale; a uniform row holds 1/16 everywhere"
    >
      <span>attention weight</span>
      <div className={styles.legendBar} style={{ background: `linear-gradient(to right, ${stops.map((s) => interpolateInferno(s)).join(', ')})` }}>
        {TICKS.map((t) => (
          <span key={t} className={styles.legendTick} style={{ left: `${Math.sqrt(t) * 100}%` }}>
            {t === 1 / 16 ? '1/16' : t}
          </span>
        ))}
      </div>
    </div>
  );
}
