'use client';
import { useMemo } from 'react';
import { scaleLinear } from 'd3';
import { Axis } from '@/components/charts/Axis';
import results from '@/components/widgets/shared/results.module.css';
import styles from './ConditioningCompare.module.css';

const W = 320;
const ROW = 26;
const M = { top: 6, right: 40, bottom: 26, left: 104 };

export interface Bar {
  key: string;
  label: string;
  /** null: no value yet (drawn as a "not trained" note instead of a bar). */
  value: number | null;
  color: string;
}

/**
 * One horizontal bar per variant on a shared linear axis from 0, the value printed at the bar's end,
 * and optional dashed reference lines (the FLD floors).
 */
export function ScoreBars({
  id,
  bars,
  refLines = [],
  axisLabel,
  description,
  format,
}: {
  id: string;
  bars: Bar[];
  refLines?: { value: number; label: string }[];
  axisLabel: string;
  description: string;
  format: (v: number) => string;
}) {
  const H = M.top + bars.length * ROW + M.bottom + 12;
  const max = Math.max(1, ...bars.map((b) => b.value ?? 0), ...refLines.map((r) => r.value));
  const x = useMemo(
    () =>
      scaleLinear()
        .domain([0, max * 1.08])
        .range([M.left, W - M.right])
        .nice(),
    [max],
  );
  return (
    <svg viewBox={`0 0 ${W} ${H}`} className={results.svg} role="img" aria-label={description} data-testid={id}>
      <Axis scale={x} orient="bottom" transform={`translate(0,${M.top + bars.length * ROW})`} ticks={4} />
      <text className={results.axisLabel} x={(M.left + W - M.right) / 2} y={H - 4} textAnchor="middle">
        {axisLabel}
      </text>
      {bars.map((b, i) => {
        const y = M.top + i * ROW;
        return (
          <g key={b.key} data-key={b.key} data-value={b.value ?? ''}>
            <text className={styles.barLabel} x={M.left - 6} y={y + ROW / 2 + 3.5} textAnchor="end">
              {b.label}
            </text>
            {b.value === null ? (
              <text className={styles.barMissing} x={M.left + 4} y={y + ROW / 2 + 3.5}>
                not trained yet
              </text>
            ) : (
              <>
                <rect x={M.left} y={y + 5} width={Math.max(1, x(b.value) - M.left)} height={ROW - 10} fill={b.color} rx={2} />
                <text className={styles.barValue} x={x(b.value) + 4} y={y + ROW / 2 + 3.5}>
                  {format(b.value)}
                </text>
              </>
            )}
          </g>
        );
      })}
      {refLines.map((r, i) => (
        <g key={r.label} className={`${results.refLine} ${styles.refLine}`}>
          <line x1={x(r.value)} x2={x(r.value)} y1={M.top - 2} y2={M.top + bars.length * ROW} />
          <title>{r.label}</title>
          {i === 0 && (
            <text x={x(r.value) + 3} y={M.top + 8}>
              floor
            </text>
          )}
        </g>
      ))}
    </svg>
  );
}
