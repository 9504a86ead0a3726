'use client';
import { useMemo } from 'react';
import { extent, line, scaleLinear, scaleLog } from 'd3';
import type { OutputItem } from '@/lib/sandbox/protocol';
import { useCanvas } from '@/components/widgets/shared/use-canvas';
import { toRgba } from '@/components/widgets/shared/pixels';
import styles from './code.module.css';

const SERIES = ['var(--series-1)', 'var(--series-2)', 'var(--series-3)', 'var(--paper)', 'var(--tip)', 'var(--warning)'];

function Picture({ item }: { item: Extract<OutputItem, { kind: 'image' }> }) {
  const values = useMemo(() => Float32Array.from(item.values), [item.values]);
  const ref = useCanvas(
    item.width,
    item.height,
    (ctx) => {
      const image = ctx.createImageData(item.width, item.height);
      toRgba(values, image.data);
      ctx.putImageData(image, 0, 0);
    },
    [values],
  );
  return (
    <figure className={styles.picture}>
      <canvas ref={ref} width={item.width} height={item.height} role="img" aria-label={item.label} />
      <figcaption>{item.label}</figcaption>
    </figure>
  );
}

const W = 360;
const H = 180;
const M = { top: 18, right: 10, bottom: 24, left: 44 };

function Plot({ item }: { item: Extract<OutputItem, { kind: 'plot' }> }) {
  const { x, y, paths } = useMemo(() => {
    const xs = item.series.flatMap((s) => s.x);
    const ys = item.series.flatMap((s) => s.y).filter((v) => Number.isFinite(v) && (!item.logY || v > 0));
    const [x0 = 0, x1 = 1] = extent(xs);
    const [y0 = 0, y1 = 1] = extent(ys);
    const x = scaleLinear()
      .domain([x0, x1 === x0 ? x0 + 1 : x1])
      .range([M.left, W - M.right]);
    const y = (
      item.logY
        ? scaleLog().domain([y0, y1 === y0 ? y0 * 10 : y1])
        : scaleLinear()
            .domain([y0, y1 === y0 ? y0 + 1 : y1])
            .nice()
    ).range([H - M.bottom, M.top]);
    const make = line<[number, number]>()
      .defined(([, v]) => Number.isFinite(v) && (!item.logY || v > 0))
      .x(([u]) => x(u))
      .y(([, v]) => y(v));
    return { x, y, paths: item.series.map((s) => make(s.x.map((u, i) => [u, s.y[i]])) ?? '') };
  }, [item]);
  const label = `${item.title || 'Line chart'}: ${item.series.map((s) => `${s.label || 'values'} (${s.y.length} points)`).join(', ')}`;
  return (
    <figure className={styles.plot}>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label}>
        {item.title && (
          <text x={M.left} y={12} className={styles.plotTitle}>
            {item.title}
          </text>
        )}
        {y.ticks(4).map((v) => (
          <g key={v}>
            <line x1={M.left} x2={W - M.right} y1={y(v)} y2={y(v)} className={styles.grid} />
            <text x={M.left - 4} y={y(v) + 3} textAnchor="end" className={styles.tick}>
              {y.tickFormat(4)(v)}
            </text>
          </g>
        ))}
        {x.ticks(5).map((v) => (
          <text key={v} x={x(v)} y={H - 8} textAnchor="middle" className={styles.tick}>
            {x.tickFormat(5)(v)}
          </text>
        ))}
        {paths.map((d, i) => (
          <path key={i} d={d} fill="none" stroke={SERIES[i % SERIES.length]} strokeWidth={1.6} />
        ))}
      </svg>
      {item.series.some((s) => s.label) && (
        <figcaption className={styles.legend}>
          {item.series.map((s, i) => (
            <span key={i}>
              <span className={styles.swatch} style={{ background: SERIES[i % SERIES.length] }} aria-hidden="true" /> {s.label}
            </span>
          ))}
        </figcaption>
      )}
    </figure>
  );
}

/** What a cell printed and drew, in order; all of it rendered as text, tables, canvases or SVG. */
export function CodeOutputs({ items }: { items: OutputItem[] }) {
  return (
    <div className={styles.outputs}>
      {items.map((item, i) => {
        switch (item.kind) {
          case 'text':
            return (
              <pre key={i} className={styles.text}>
                {item.text}
              </pre>
            );
          case 'table':
            return (
              <div key={i} className={styles.tableBox}>
                <table>
                  <thead>
                    <tr>
                      {item.columns.map((c, k) => (
                        <th key={k} scope="col">
                          {c}
                        </th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {item.rows.map((r, k) => (
                      <tr key={k}>
                        {r.map((v, j) => (
                          <td key={j}>{v}</td>
                        ))}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            );
          case 'image':
            return <Picture key={i} item={item} />;
          case 'plot':
            return <Plot key={i} item={item} />;
        }
      })}
    </div>
  );
}
