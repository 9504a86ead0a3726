'use client';
/**
 * The drawings of the patchify widget, each taking plain props: the latent's channels with the patch
 * grid and token indices, the digit with the chosen patch, the chosen token's numbers, the whole
 * token sequence as a T x p^2 C matrix, and the position-code similarity map.
 */
import type { KeyboardEvent } from 'react';
import { useCanvas } from '../shared/use-canvas';
import { interpolateRdBu, interpolateViridis, scaleDiverging, scaleSequential } from 'd3';
import { featureAt, tokenAt, tokenPosition } from '@/lib/inspect/patchify';
import { DigitCanvas } from '@/components/widgets/shared/DigitCanvas';
import { formatDisplay } from '@/components/widgets/shared/format';
import styles from './PatchifyExplorer.module.css';

/** Latent values: negative blue, zero white, positive red, symmetric about 0. */
export function latentColour(maxAbs: number): (v: number) => string {
  const s = scaleDiverging([-maxAbs, 0, maxAbs], (t) => interpolateRdBu(1 - t)).clamp(true);
  return (v) => s(v);
}

/** Arrow keys move the chosen token on a g x g grid; Home and End jump to the first and last. */
export function gridKeys(token: number, g: number, onToken: (k: number) => void) {
  return (e: KeyboardEvent) => {
    const { i, j } = tokenPosition(token, g);
    const moves: Record<string, [number, number]> = { ArrowLeft: [0, -1], ArrowRight: [0, 1], ArrowUp: [-1, 0], ArrowDown: [1, 0] };
    if (e.key === 'Home' || e.key === 'End') {
      e.preventDefault();
      onToken(e.key === 'Home' ? 0 : g * g - 1);
      return;
    }
    const m = moves[e.key];
    if (!m) return;
    e.preventDefault();
    onToken(Math.min(g - 1, Math.max(0, i + m[0])) * g + Math.min(g - 1, Math.max(0, j + m[1])));
  };
}

const CELL = 20; // SVG units per latent position

/**
 * One channel of the latent, 8x8 cells coloured by value, with the patch grid over it, each patch's
 * token index, and the chosen patch outlined. Hovering or clicking a cell chooses its token.
 */
export function ChannelMap({
  values,
  side,
  p,
  token,
  colour,
  onToken,
  channel,
  showIndices,
}: {
  values: Float32Array | null;
  side: number;
  p: number;
  token: number;
  colour: (v: number) => string;
  onToken: (k: number) => void;
  channel: number;
  showIndices: boolean;
}) {
  const g = side / p;
  const size = side * CELL;
  const { i, j } = tokenPosition(token, g);
  return (
    <svg viewBox={`-1 -1 ${size + 2} ${size + 2}`} className={styles.channel} aria-hidden="true" data-testid={`pe-channel-${channel}`}>
      {Array.from({ length: side * side }, (_, k) => {
        const r = Math.floor(k / side);
        const c = k % side;
        return (
          <rect
            key={k}
            x={c * CELL}
            y={r * CELL}
            width={CELL}
            height={CELL}
            fill={values ? colour(values[k]) : 'var(--bg-sunk)'}
            onPointerEnter={() => onToken(tokenAt(r, c, p, side))}
            onClick={() => onToken(tokenAt(r, c, p, side))}
          >
            {values && <title>{`channel ${channel}, row ${r}, column ${c}: ${formatDisplay(values[k])} (token ${tokenAt(r, c, p, side)})`}</title>}
          </rect>
        );
      })}
      {Array.from({ length: g + 1 }, (_, k) => (
        <g key={k} className={styles.gridLine}>
          <line x1={k * p * CELL} x2={k * p * CELL} y1={0} y2={size} />
          <line y1={k * p * CELL} y2={k * p * CELL} x1={0} x2={size} />
        </g>
      ))}
      {showIndices &&
        Array.from({ length: g * g }, (_, k) => {
          const pos = tokenPosition(k, g);
          return (
            <text
              key={k}
              x={(pos.j + 0.5) * p * CELL}
              y={(pos.i + 0.5) * p * CELL}
              className={`${styles.index} ${k === token ? styles.indexOn : ''}`}
              fontSize={p === 1 ? 8 : p === 2 ? 13 : 18}
            >
              {k}
            </text>
          );
        })}
      <rect x={j * p * CELL} y={i * p * CELL} width={p * CELL} height={p * CELL} className={styles.chosen} />
    </svg>
  );
}

/** The 32x32 digit with the pixels above the chosen patch outlined (the VAE downsamples by 4). */
export function DigitPatch({ pixels, p, token, side, label }: { pixels: Float32Array | null; p: number; token: number; side: number; label: string }) {
  const g = side / p;
  const { i, j } = tokenPosition(token, g);
  const px = 32 / side; // pixels per latent position
  return (
    <div className={styles.digitBox}>
      <DigitCanvas values={pixels} label={label} className={styles.digit} testId="pe-digit" />
      <svg viewBox="0 0 32 32" className={styles.digitOverlay} aria-hidden="true">
        {Array.from({ length: g - 1 }, (_, k) => (
          <g key={k} className={styles.digitGrid}>
            <line x1={(k + 1) * p * px} x2={(k + 1) * p * px} y1={0} y2={32} />
            <line y1={(k + 1) * p * px} y2={(k + 1) * p * px} x1={0} x2={32} />
          </g>
        ))}
        <rect x={j * p * px} y={i * p * px} width={p * px} height={p * px} className={styles.digitChosen} />
      </svg>
    </div>
  );
}

/** The chosen token's p^2 C numbers in the code's order: channel by channel, each p x p block row by row. */
export function TokenVector({
  vector,
  p,
  channels,
  colour,
  token,
}: {
  vector: Float32Array | null;
  p: number;
  channels: number;
  colour: (v: number) => string;
  token: number;
}) {
  const n = p * p * channels;
  return (
    <ol className={styles.vector} data-testid="pe-vector" aria-label={`Token ${token}: its ${n} numbers in the order the code flattens them`} start={0}>
      {Array.from({ length: n }, (_, k) => {
        const { ch, a, b } = featureAt(k, p);
        const v = vector ? vector[k] : null;
        return (
          <li
            key={k}
            className={`${styles.feature} ${b === 0 && a === 0 ? styles.featureFirst : ''}`}
            style={{ background: v === null ? undefined : colour(v) }}
            title={`x[${k}] = channel ${ch}, patch row ${a}, column ${b}`}
            data-channel={ch}
          >
            {k % (p * p) === 0 && <span className={styles.featureCh}>c{ch}</span>}
            <span className={styles.featureValue}>{v === null ? '·' : formatFixed(v)}</span>
          </li>
        );
      })}
    </ol>
  );
}

function formatFixed(v: number): string {
  return (Math.abs(v) < 0.005 ? 0 : v).toFixed(2).replace('-', '\u2212');
}

/** The whole sequence: T rows (tokens) of p^2 C numbers, the chosen token's row outlined. */
export function TokenMatrix({
  matrix,
  tokens,
  width,
  colour,
  token,
  onToken,
}: {
  matrix: Float32Array | null;
  tokens: number;
  width: number;
  colour: (v: number) => string;
  token: number;
  onToken: (k: number) => void;
}) {
  const draw = matrix
    ? (ctx: CanvasRenderingContext2D) => {
        for (let r = 0; r < tokens; r++) {
          for (let c = 0; c < width; c++) {
            ctx.fillStyle = colour(matrix[r * width + c]);
            ctx.fillRect(c, r, 1, 1);
          }
        }
      }
    : null;
  const ref = useCanvas(width, tokens, draw, [matrix, tokens, width, colour]);
  // Square cells in a 256-unit box: 64 x 4, 16 x 16 or 4 x 64.
  const cell = 256 / Math.max(tokens, width);
  return (
    <div className={styles.matrixBox}>
      <div className={styles.matrixFrame} style={{ width: `${(width * cell * 100) / 256}%`, aspectRatio: `${width} / ${tokens}` }}>
        <canvas
          ref={ref}
          width={width}
          height={tokens}
          className={styles.matrix}
          role="img"
          aria-label={`The token sequence: ${tokens} rows of ${width} numbers`}
          data-testid="pe-matrix"
          onPointerMove={(e) => {
            const r = e.currentTarget.getBoundingClientRect();
            onToken(Math.min(tokens - 1, Math.max(0, Math.floor(((e.clientY - r.top) / r.height) * tokens))));
          }}
        />
        <div className={styles.matrixRow} style={{ top: `${(token / tokens) * 100}%`, height: `${100 / tokens}%` }} />
      </div>
    </div>
  );
}

/** Similarity of the chosen token's position code to every position, on the g x g grid. */
export function PositionMap({ sim, g, token, onToken }: { sim: Float32Array; g: number; token: number; onToken: (k: number) => void }) {
  let lo = 1;
  for (const v of sim) lo = Math.min(lo, v);
  const colour = scaleSequential(interpolateViridis).domain([lo, 1]);
  const cell = 160 / g;
  const { i, j } = tokenPosition(token, g);
  return (
    <svg
      viewBox="-1 -1 162 162"
      className={styles.posMap}
      data-testid="pe-position"
      role="img"
      aria-label={`Position-code similarity of token ${token} to the other ${g * g - 1} positions: from ${lo.toFixed(2)} to 1`}
    >
      {Array.from({ length: g * g }, (_, k) => {
        const pos = tokenPosition(k, g);
        return (
          <g key={k} onPointerEnter={() => onToken(k)} onClick={() => onToken(k)}>
            <rect x={pos.j * cell} y={pos.i * cell} width={cell} height={cell} fill={colour(sim[k])}>
              <title>{`token ${k}: ${sim[k].toFixed(3)}`}</title>
            </rect>
            {g <= 4 && (
              <text x={(pos.j + 0.5) * cell} y={(pos.i + 0.5) * cell} className={styles.posValue} fill={sim[k] > (lo + 1) / 2 ? '#111' : '#fff'}>
                {sim[k].toFixed(2)}
              </text>
            )}
          </g>
        );
      })}
      <rect x={j * cell} y={i * cell} width={cell} height={cell} className={styles.chosen} />
    </svg>
  );
}
