import { scheduleConstants, type DiffusionConstants, type ScheduleName } from '@/lib/diffusion/schedules';

export const SCHEDULES: readonly ScheduleName[] = ['linear', 'scaled-linear', 'cosine'];

// The three schedules are fixed: compute their constants once per page, not per render.
let cached: Record<ScheduleName, DiffusionConstants> | null = null;

export function allSchedules(): Record<ScheduleName, DiffusionConstants> {
  if (!cached) {
    cached = {
      linear: scheduleConstants('linear'),
      'scaled-linear': scheduleConstants('scaled-linear'),
      cosine: scheduleConstants('cosine'),
    };
  }
  return cached;
}
