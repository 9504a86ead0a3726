import { describe, expect, it } from 'vitest';
import { EXERCISES } from '@/content/exercises';
import { WIDGETS_BESIDE } from '@/components/assign/WidgetBeside';

describe('the widgets an assignment page shows beside its exercises', () => {
  it('include every widget an exercise is answered with', () => {
    const needed = new Set(EXERCISES.map((e) => (e.kind === 'widget' ? e.widget : e.uses)).filter((w): w is string => w !== undefined));
    expect(needed.size).toBeGreaterThanOrEqual(4);
    for (const w of needed) expect(WIDGETS_BESIDE, w).toContain(w);
  });
});
