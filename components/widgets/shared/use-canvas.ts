'use client';
import { useLayoutEffect, useRef, type DependencyList } from 'react';

/**
 * A canvas drawn in a layout effect, so a change is on screen in the same frame as the state change:
 * it is cleared (width x height), then `draw` paints it unless it is null (nothing to show yet).
 * `deps` are what the drawing depends on, as for useLayoutEffect.
 */
export function useCanvas(width: number, height: number, draw: ((ctx: CanvasRenderingContext2D) => void) | null, deps: DependencyList) {
  const ref = useRef<HTMLCanvasElement>(null);
  useLayoutEffect(() => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx) return;
    ctx.clearRect(0, 0, width, height);
    draw?.(ctx);
  }, deps); // eslint-disable-line react-hooks/exhaustive-deps
  return ref;
}
