import type { ScheduleName } from '@/lib/diffusion/schedules';

/** One colour and one dash pattern per schedule, so the curves differ without colour too. */
export const SCHEDULE_STYLE: Record<ScheduleName, { color: string; dash?: string }> = {
  linear: { color: 'var(--series-1)' },
  'scaled-linear': { color: 'var(--series-2)', dash: '7 4' },
  cosine: { color: 'var(--series-3)', dash: '2 3' },
};
