'use client';
import dynamic from 'next/dynamic';
import type { ComponentType } from 'react';

const loading = () => <p className="visually-hidden">Loading the widget…</p>;

/**
 * The widgets an assignment's exercises are answered with, by their data-widget name, loaded only
 * when an assignment names an exercise that needs one (a page of questions downloads none).
 */
const WIDGETS: Record<string, ComponentType> = {
  'noise-schedule-explorer': dynamic(() => import('@/components/widgets/NoiseScheduleExplorer/NoiseScheduleExplorer').then((m) => m.NoiseScheduleExplorer), {
    ssr: false,
    loading,
  }),
  'patchify-explorer': dynamic(() => import('@/components/widgets/PatchifyExplorer/PatchifyExplorer').then((m) => m.PatchifyExplorer), { ssr: false, loading }),
  'scaling-chart': dynamic(() => import('@/components/widgets/ScalingChart/ScalingChart').then((m) => m.ScalingChart), { ssr: false, loading }),
  'attention-maps': dynamic(() => import('@/components/widgets/AttentionMaps/AttentionMaps').then((m) => m.AttentionMaps), { ssr: false, loading }),
};

export const WIDGETS_BESIDE = Object.keys(WIDGETS);

export function WidgetBeside({ name }: { name: string }) {
  const W = WIDGETS[name];
  return W ? <W /> : null;
}
