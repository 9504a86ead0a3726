'use client';
/**
 * Marks shared by the results charts: one colour per model size (CSS variables of
 * ScalingChart.module.css, light and dark), one marker shape per patch size, so the points differ
 * without colour too.
 */

export type MarkShape = 'circle' | 'square' | 'triangle';

/** Colours by size; the same size letter has the same colour in the paper's chart and ours. */
export const SIZE_COLOR: Record<string, string> = {
  S: 'var(--size-s)',
  B: 'var(--size-b)',
  L: 'var(--size-l)',
  XL: 'var(--size-xl)',
};

/** Rank of a patch size among `patches`, coarsest (fewest tokens) first: 0, 1, 2. */
function patchRank(patch: number, patches: readonly number[]): number {
  return [...patches].sort((a, b) => b - a).indexOf(patch);
}

/**
 * Shapes by patch rank: the coarsest patch (fewest tokens) a circle, the middle one a square, the
 * finest a triangle. Paper p = 8, 4, 2 and ours p = 4, 2, 1 map to the same three.
 */
export function patchShape(patch: number, patches: readonly number[]): MarkShape {
  const i = patchRank(patch, patches);
  return i === 0 ? 'circle' : i === 1 ? 'square' : 'triangle';
}

/**
 * Dash patterns by patch rank, for lines (the loss curves): colour already says the size, so models
 * of one size (S/4, S/2, S/1) differ by dash: coarsest solid, middle dashed, finest dotted. None is
 * '3 3', the dash of the scatter plots' same-patch connecting lines.
 */
export function patchDash(patch: number, patches: readonly number[]): string | undefined {
  const i = patchRank(patch, patches);
  return i === 0 ? undefined : i === 1 ? '6 3' : '1.5 2.5';
}

export function Mark({
  shape,
  x,
  y,
  r = 4.5,
  color,
  selected = false,
}: {
  shape: MarkShape;
  x: number;
  y: number;
  r?: number;
  color: string;
  selected?: boolean;
}) {
  const common = { fill: color, stroke: selected ? 'var(--fg)' : 'var(--bg-soft)', strokeWidth: selected ? 2 : 1 };
  const R = selected ? r * 1.35 : r;
  if (shape === 'circle') return <circle cx={x} cy={y} r={R} {...common} />;
  if (shape === 'square') return <rect x={x - R * 0.9} y={y - R * 0.9} width={R * 1.8} height={R * 1.8} {...common} />;
  const h = R * 1.15;
  return <path d={`M${x},${y - h} L${x + h},${y + h * 0.8} L${x - h},${y + h * 0.8} Z`} {...common} />;
}

/** A small legend swatch (an SVG with one mark). */
export function MarkSwatch({ shape, color }: { shape: MarkShape; color: string }) {
  return (
    <svg width="14" height="14" viewBox="0 0 14 14" aria-hidden="true" style={{ verticalAlign: '-2px' }}>
      <Mark shape={shape} x={7} y={7} r={4.5} color={color} />
    </svg>
  );
}

/** A small legend swatch of a line, with its end mark when the lines carry one. */
export function LineSwatch({ color, dash, shape }: { color: string; dash?: string; shape?: MarkShape }) {
  const w = shape ? 30 : 22;
  return (
    <svg width={w} height="12" viewBox={`0 0 ${w} 12`} aria-hidden="true">
      <line x1="1" x2={shape ? 24 : 21} y1="6" y2="6" stroke={color} strokeWidth="2" strokeDasharray={dash} />
      {shape && <Mark shape={shape} x={25} y={6} r={3.2} color={color} />}
    </svg>
  );
}
