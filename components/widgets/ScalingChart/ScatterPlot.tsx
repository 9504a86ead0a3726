'use client';
import { useMemo, type KeyboardEvent, type PointerEvent, type ReactNode } from 'react';
import { line, scaleLinear, scaleLog } from 'd3';
import { Axis, AxisTitles, CHART_MARGINS, plotArea } from '@/components/charts/Axis';
import { Mark, type MarkShape } from './marks';
import results from '@/components/widgets/shared/results.module.css';
import styles from './ScalingChart.module.css';

// viewBox units; the SVG scales to its column and keeps its aspect ratio (no layout shift).
const W = 320;
const H = 230;
const M = CHART_MARGINS;

export interface ScatterPoint {
  key: string;
  x: number;
  y: number;
  color: string;
  shape: MarkShape;
}

export interface ScatterLine {
  key: string;
  /** Keys of the points to join, in order. */
  keys: string[];
  color: string;
  dash?: string;
}

/** A dashed horizontal line, named by its <title> (hover); the chart's legend labels it, not the plot: lines a few units apart near the x axis leave no room for text. */
export interface RefLine {
  y: number;
  label: string;
}

/** Ticks inside [lo, hi] for a log axis: 1-3-10 by default, or the mantissas given (1-2-5 for a short range). */
function logTicks(lo: number, hi: number, mantissas: readonly number[] = [1, 3]): number[] {
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const m of mantissas) {
      const v = m * 10 ** e;
      if (v >= lo && v <= hi) out.push(Number(v.toPrecision(3)));
    }
  }
  return out;
}

const fmtTick = (v: number) => (v >= 1 ? String(v) : v.toPrecision(1));
/** Thousands as "1.2k", so four-digit FLD values fit beside the axis. */
const fmtY = (v: number) => (Math.abs(v) >= 1000 ? `${Number((v / 1000).toPrecision(3))}k` : String(Number(v.toPrecision(4))));

/**
 * A log-x scatter plot with marks by colour and shape, optional joining lines and horizontal reference
 * lines. One tab stop: arrow keys move the selection along x, Home/End jump to the ends; hovering
 * selects the nearest point. The parent shows the selected point's readout.
 */
export function ScatterPlot({
  id,
  xLabel,
  yLabel,
  xDomain,
  yDomain,
  logY = false,
  points,
  lines = [],
  refLines = [],
  selected,
  onSelect,
  description,
  empty,
}: {
  id: string;
  xLabel: string;
  yLabel: string;
  xDomain: [number, number];
  yDomain: [number, number];
  /** A log y axis, as the paper's Figure 8 has; yDomain must then start above 0. */
  logY?: boolean;
  points: ScatterPoint[];
  lines?: ScatterLine[];
  refLines?: RefLine[];
  selected: string | null;
  onSelect: (key: string) => void;
  description: string;
  /** Shown inside the plot area when there are no points. */
  empty?: ReactNode;
}) {
  const [x0, x1] = xDomain;
  const [y0, y1] = yDomain;
  const x = useMemo(
    () =>
      scaleLog()
        .domain([x0, x1])
        .range([M.left, W - M.right]),
    [x0, x1],
  );
  const y = useMemo(
    () =>
      logY
        ? scaleLog()
            .domain([y0, y1])
            .range([H - M.bottom, M.top])
        : scaleLinear()
            .domain([y0, y1])
            .range([H - M.bottom, M.top])
            .nice(),
    [y0, y1, logY],
  );
  const yTicks = useMemo(() => (logY ? logTicks(y0, y1, [1, 2, 5]) : undefined), [y0, y1, logY]);
  const xTicks = useMemo(() => logTicks(x0, x1), [x0, x1]);
  const order = useMemo(() => [...points].sort((a, b) => a.x - b.x || a.y - b.y), [points]);
  const byKey = useMemo(() => new Map(points.map((p) => [p.key, p])), [points]);
  const paths = useMemo(
    () =>
      lines.map((l) => ({
        ...l,
        d:
          line<ScatterPoint>()
            .x((p) => x(p.x))
            .y((p) => y(p.y))(l.keys.map((k) => byKey.get(k)).filter((p): p is ScatterPoint => !!p)) ?? '',
      })),
    [lines, byKey, x, y],
  );

  const move = (e: KeyboardEvent<SVGSVGElement>) => {
    if (order.length === 0) return;
    const i = order.findIndex((p) => p.key === selected);
    let next = i;
    if (e.key === 'ArrowRight' || e.key === 'ArrowUp') next = i < 0 ? 0 : Math.min(order.length - 1, i + 1);
    else if (e.key === 'ArrowLeft' || e.key === 'ArrowDown') next = i < 0 ? 0 : Math.max(0, i - 1);
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = order.length - 1;
    else return;
    e.preventDefault();
    onSelect(order[next].key);
  };

  const hover = (e: PointerEvent<SVGRectElement>) => {
    const svg = e.currentTarget.ownerSVGElement;
    if (!svg || order.length === 0) return;
    const box = svg.getBoundingClientRect();
    const px = ((e.clientX - box.left) * W) / box.width;
    const py = ((e.clientY - box.top) * H) / box.height;
    let best: ScatterPoint | null = null;
    let bestD = 18 ** 2; // viewBox units: only a point near the pointer is picked
    for (const p of order) {
      const d = (x(p.x) - px) ** 2 + (y(p.y) - py) ** 2;
      if (d < bestD) {
        bestD = d;
        best = p;
      }
    }
    if (best && best.key !== selected) onSelect(best.key);
  };

  const sel = selected ? byKey.get(selected) : undefined;
  return (
    <svg
      viewBox={`0 0 ${W} ${H}`}
      className={results.svg}
      role="img"
      aria-label={description}
      tabIndex={points.length > 0 ? 0 : -1}
      onKeyDown={move}
      onFocus={() => {
        if (!sel && order.length > 0) onSelect(order[0].key);
      }}
      data-testid={id}
      data-points={points.length}
      data-y-scale={logY ? 'log' : 'linear'}
    >
      <Axis scale={x} orient="bottom" transform={`translate(0,${H - M.bottom})`} tickValues={xTicks} tickFormat={fmtTick} />
      <Axis scale={y} orient="left" transform={`translate(${M.left},0)`} ticks={5} tickValues={yTicks} tickFormat={fmtY} />
      <AxisTitles width={W} height={H} margin={M} x={xLabel} y={yLabel} className={results.axisLabel} />
      {refLines.map((r) => (
        <g key={r.label} className={results.refLine}>
          <line x1={M.left} x2={W - M.right} y1={y(r.y)} y2={y(r.y)} />
          <title>{r.label}</title>
        </g>
      ))}
      {paths.map((p) => (
        <path key={p.key} d={p.d} fill="none" stroke={p.color} strokeWidth={1.5} strokeDasharray={p.dash} opacity={0.75} />
      ))}
      {order.map((p) => (
        <g key={p.key} data-key={p.key}>
          <Mark shape={p.shape} x={x(p.x)} y={y(p.y)} color={p.color} selected={p.key === selected} />
        </g>
      ))}
      {points.length === 0 && empty ? (
        <foreignObject x={M.left + 8} y={M.top + 8} width={W - M.left - M.right - 16} height={H - M.top - M.bottom - 16}>
          <div className={styles.emptyPlot}>{empty}</div>
        </foreignObject>
      ) : null}
      <rect className={styles.hit} {...plotArea(W, H, M)} onPointerMove={hover} onPointerDown={hover} />
    </svg>
  );
}
