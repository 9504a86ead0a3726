/**
 * Chapter 9's exercises on our grid state facts of the shipped models: their right options must
 * follow from public/models/index.json (lib/models/scaling-grid.ts), so retraining the grid makes
 * this test fail until the exercises are brought up to date.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { summariseGrid } from '@/lib/models/scaling-grid';
import { exerciseById } from '@/content/exercises';
import type { ChoiceExercise } from '@/lib/exercises/types';

const grid = summariseGrid(JSON.parse(readFileSync('public/models/index.json', 'utf8')));
const fld = (label: string) => grid.cells.find((c) => c.label === label)!.entry!.scores!.fld;
const right = (id: string) => (exerciseById(id) as ChoiceExercise).options.find((o) => o.correct)!.text;

describe("chapter 9's questions on our grid", () => {
  it('the smaller patch helps only at the sizes the index says', () => {
    const helps = ['S', 'B', 'L'].filter((s) => fld(`${s}/2`) < fld(`${s}/4`));
    expect(helps).toEqual(['S']);
    expect(right('grid-smaller-patch')).toMatch(/^Only at size S\./);
    expect(right('grid-smaller-patch')).not.toMatch(/L|B/);
  });

  it('at equal compute, L/4 beats S/1 by the numbers in the option', () => {
    const [s1, l4] = [fld('S/1'), fld('L/4')];
    expect(l4).toBeLessThan(s1);
    expect(right('grid-equal-compute')).toContain(`FLD ${Math.round(l4)} against ${Math.round(s1)}`);
  });
});
