/**
 * Parts shared by the book's static SVG figures (DitPipeline, AdaLNZeroBlock, PatchGrid): maths letters
 * with subscripts, centred label lines, boxes, arrows and their arrowhead markers. Server components:
 * no state, no effects. Their classes live in svg-parts.module.css, exported as `parts` so a figure can
 * give its own elements the same text and stroke styles.
 */
import type { ReactNode } from 'react';
import parts from './svg-parts.module.css';

export { parts };

export type BoxKind = 'plain' | 'block' | 'cond' | 'loop';
export type ArrowKind = 'flow' | 'cond' | 'loop';
const ARROW_KINDS: readonly ArrowKind[] = ['flow', 'cond', 'loop'];

/** An italic maths letter with an optional subscript, inside a <text>. */
export function V({ n, sub }: { n: string; sub?: string }) {
  return (
    <>
      <tspan className={parts.math}>{n}</tspan>
      {sub ? (
        <tspan className={parts.subscript} dy="0.3em">
          {sub}
        </tspan>
      ) : null}
      {sub ? <tspan dy="-0.3em">{'\u200a'}</tspan> : null}
    </>
  );
}

/** Centred lines of text; the first is the label, the rest are quieter (shapes, the paper's shapes). */
export function Lines({ x, y, lines, size = 'normal' }: { x: number; y: number; lines: ReactNode[]; size?: 'normal' | 'small' }) {
  const step = size === 'small' ? 13 : 15;
  return (
    <>
      {lines.map((line, i) => (
        <text key={i} x={x} y={y + i * step} textAnchor="middle" className={i === 0 ? parts.label : parts.sub}>
          {line}
        </text>
      ))}
    </>
  );
}

export function Box({
  x,
  y,
  w,
  h,
  kind = 'plain',
  dashed = false,
  className = '',
}: {
  x: number;
  y: number;
  w: number;
  h: number;
  kind?: BoxKind;
  dashed?: boolean;
  className?: string;
}) {
  return <rect x={x} y={y} width={w} height={h} rx={6} className={`${parts.box} ${parts[kind] ?? ''} ${dashed ? parts.dashed : ''} ${className}`} />;
}

/** A path with an arrowhead at its end; `id` is the figure's id prefix given to <Markers>. */
export function Arrow({ d, id, dashed = false, kind = 'flow' }: { d: string; id: string; dashed?: boolean; kind?: ArrowKind }) {
  return <path d={d} className={`${parts.arrow} ${parts[`arrow-${kind}`]} ${dashed ? parts.dashed : ''}`} markerEnd={`url(#${id}-${kind})`} />;
}

/** The arrowheads of one drawing, ids `${id}-flow`, `${id}-cond`, `${id}-loop` (unique per drawing). */
export function Markers({ id, kinds = ARROW_KINDS }: { id: string; kinds?: readonly ArrowKind[] }) {
  return (
    <defs>
      {kinds.map((k) => (
        <marker key={k} id={`${id}-${k}`} viewBox="0 0 10 10" refX={9} refY={5} markerWidth={7} markerHeight={7} orient="auto-start-reverse">
          <path d="M0 0 L10 5 L0 10 z" className={parts[`head-${k}`]} />
        </marker>
      ))}
    </defs>
  );
}

/** A residual sum node: a circle with a plus. */
export function Plus({ cx, cy, r = 11 }: { cx: number; cy: number; r?: number }) {
  return (
    <>
      <circle cx={cx} cy={cy} r={r} className={parts.plus} />
      <text x={cx} y={cy + 5} textAnchor="middle" className={parts.label}>
        +
      </text>
    </>
  );
}
