'use client';
import { useEffect, useRef, type ReactNode } from 'react';
import { axisBottom, axisLeft, select, type AxisDomain, type AxisScale } from 'd3';
import styles from './charts.module.css';

/**
 * A d3 axis inside a React-owned SVG: React renders the <g>, d3 fills it in an effect (the one place
 * d3 touches the DOM). Pass memoised scales, or the axis redraws on every render.
 */
export function Axis<D extends AxisDomain>({
  scale,
  orient,
  transform,
  ticks,
  tickValues,
  tickFormat,
  tickSizeOuter = 0,
}: {
  scale: AxisScale<D>;
  orient: 'bottom' | 'left';
  transform?: string;
  ticks?: number;
  tickValues?: D[];
  tickFormat?: (d: D) => string;
  tickSizeOuter?: number;
}) {
  const ref = useRef<SVGGElement>(null);
  useEffect(() => {
    if (!ref.current) return;
    const axis = (orient === 'bottom' ? axisBottom(scale) : axisLeft(scale)).tickSizeOuter(tickSizeOuter);
    if (ticks !== undefined) axis.ticks(ticks);
    if (tickValues) axis.tickValues(tickValues);
    if (tickFormat) axis.tickFormat((d) => tickFormat(d));
    select(ref.current).call(axis);
  }, [scale, orient, ticks, tickValues, tickFormat, tickSizeOuter]);
  return <g ref={ref} className={styles.axis} transform={transform} aria-hidden="true" />;
}

/** Margins around a chart's plot area, in viewBox units. */
export interface Margins {
  top: number;
  right: number;
  bottom: number;
  left: number;
}

/** The margins of the site's line and scatter charts: room for tick labels and both axis titles. */
export const CHART_MARGINS: Margins = { top: 12, right: 14, bottom: 38, left: 46 };

/** The plot area of a width x height chart inside its margins, as SVG rect attributes. */
export function plotArea(width: number, height: number, m: Margins): { x: number; y: number; width: number; height: number } {
  return { x: m.left, y: m.top, width: width - m.left - m.right, height: height - m.top - m.bottom };
}

/** The titles of a chart's two axes: under the x axis, and turned along the y axis at the left edge. */
export function AxisTitles({
  width,
  height,
  margin: m,
  x,
  y,
  className,
}: {
  width: number;
  height: number;
  margin: Margins;
  x: ReactNode;
  y: ReactNode;
  className: string;
}) {
  return (
    <>
      <text className={className} x={(m.left + width - m.right) / 2} y={height - 6} textAnchor="middle">
        {x}
      </text>
      <text className={className} transform={`translate(11,${(m.top + height - m.bottom) / 2}) rotate(-90)`} textAnchor="middle">
        {y}
      </text>
    </>
  );
}
