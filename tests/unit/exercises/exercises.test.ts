/**
 * Every exercise of the book: its expected answer (lib code) agrees with its worked solution, the
 * checker accepts the worked solution and rejects a wrong answer, every text renders with KaTeX and
 * every placeholder has a value, for several students' parameter draws.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EXERCISES, chapterExercises } from '@/content/exercises';
import { loadChapterExercises } from '@/content/exercises/by-chapter';
import { CHAPTERS } from '@/content/chapters';
import { checkAnswer, withinTolerance } from '@/lib/exercises/check';
import { displayValues, drawParams, optionOrder } from '@/lib/exercises/seed';
import { placeholders } from '@/lib/exercises/placeholders';
import { renderExerciseText } from '@/lib/exercises/render';
import type { Exercise, Params } from '@/lib/exercises/types';

const STUDENTS = ['', 'ada', 'student-17', 'Grace Hopper', 'x'.repeat(80)];

function texts(e: Exercise): string[] {
  return [
    e.prompt,
    e.solution,
    ...e.hints,
    ...(e.kind === 'choice' ? e.options.flatMap((o) => [o.text, o.why]) : []),
    ...(e.kind === 'formula' ? e.options.map((o) => o.why) : []),
  ];
}

describe('the exercise list', () => {
  it('has unique ids in chapters that exist', () => {
    const ids = EXERCISES.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    const slugs = new Set(CHAPTERS.map((c) => c.slug));
    for (const e of EXERCISES) {
      expect(slugs.has(e.chapter), e.id).toBe(true);
      expect(e.id).toMatch(/^[a-z0-9][a-z0-9-]*$/);
    }
  });

  it('has at least four exercises in every chapter, and code to write in at least eight', () => {
    for (const c of CHAPTERS) expect(chapterExercises(c.slug).length, c.slug).toBeGreaterThanOrEqual(4);
    expect(new Set(EXERCISES.filter((e) => e.kind === 'code').map((e) => e.chapter)).size).toBeGreaterThanOrEqual(8);
  });
});

describe.each(EXERCISES.map((e) => [e.id, e] as const))('exercise %s', (_id, e) => {
  it.each(STUDENTS)('student "%s": the worked solution is accepted, a wrong answer is not, and the text renders', (student) => {
    const p = drawParams(e, student) as Params;
    const shown = displayValues(e, p);
    for (const t of texts(e)) {
      expect(() => renderExerciseText(t), t).not.toThrow();
      for (const name of placeholders(t)) expect(shown, `{{${name}}} in ${e.id}`).toHaveProperty(name);
    }
    if (e.kind === 'numeric') {
      const answer = e.answer(p);
      const worked = e.worked(p);
      expect(Number.isFinite(answer)).toBe(true);
      expect(withinTolerance(worked, answer, e.tolerance), `worked ${worked} vs answer ${answer}`).toBe(true);
      expect(checkAnswer(e, p, worked.toPrecision(8)).correct).toBe(true);
      expect(checkAnswer(e, p, `${worked.toPrecision(8)}${e.unit ? ` ${e.unit}` : ''}`).correct).toBe(true);
      const wrong = answer === 0 ? 1 : answer * 1.5 + Math.sign(answer);
      const v = checkAnswer(e, p, String(wrong));
      expect(v.correct).toBe(false);
      expect(v.message).toMatch(/too (large|small)/);
    } else if (e.kind === 'widget') {
      expect(checkAnswer(e, p, JSON.stringify(e.worked(p))).correct).toBe(true);
      expect(checkAnswer(e, p, JSON.stringify(e.wrong(p))).correct).toBe(false);
      expect(checkAnswer(e, p, 'not json').correct).toBe(false);
    } else if (e.kind === 'choice' || e.kind === 'formula') {
      expect(e.options.filter((o) => o.correct)).toHaveLength(1);
      e.options.forEach((o, i) => {
        expect(o.why.length).toBeGreaterThan(10);
        expect(checkAnswer(e, p, String(i)).correct).toBe(o.correct);
      });
      if (e.kind === 'formula') for (const o of e.options) expect(() => renderExerciseText(o.text, { display: true })).not.toThrow();
      expect(checkAnswer(e, p, '99').correct).toBe(false);
    }
  });
});

describe('per-student parameters', () => {
  it('are stable for one student and differ between students', () => {
    const e = EXERCISES.find((x) => x.id === 'posterior-variance')!;
    expect(drawParams(e, 'ada')).toEqual(drawParams(e, 'ada'));
    expect(drawParams(e, ' ada ')).toEqual(drawParams(e, 'ada'));
    const draws = new Set(['a', 'b', 'c', 'd', 'e', 'f'].map((s) => JSON.stringify(drawParams(e, s))));
    expect(draws.size).toBeGreaterThan(3);
  });
});

describe('exercises in the chapters', () => {
  const placed = (file: string) => [...readFileSync(`content/chapters/${file}`, 'utf8').matchAll(/<Exercise id="([^"]+)"/g)].map((m) => m[1]);
  const files = readdirSync('content/chapters').filter((f) => f.endsWith('.mdx'));

  it('every exercise stands once in its own chapter, in the order of its number', () => {
    for (const c of CHAPTERS) {
      const file = files.find((f) => f.slice(3) === `${c.slug}.mdx`);
      const ids = file ? placed(file) : [];
      expect(ids, c.slug).toEqual(chapterExercises(c.slug).map((e) => e.id));
    }
  });
});

describe('the order of the options', () => {
  it('is a permutation, stable for one student, and the right answer is not always first', () => {
    expect(optionOrder(4, 'ada', 'why-shrink')).toEqual(optionOrder(4, 'ada', 'why-shrink'));
    for (const s of ['', 'a', 'b']) expect([...optionOrder(4, s, 'why-shrink')].sort()).toEqual([0, 1, 2, 3]);
    const firsts = new Set(['', 'a', 'b', 'c', 'd', 'e', 'f', 'g'].map((s) => optionOrder(4, s, 'why-shrink')[0]));
    expect(firsts.size).toBeGreaterThan(1);
  });
});

describe('the per-chapter loader the pages use', () => {
  it('gives each chapter exactly the exercises of the full list', async () => {
    for (const c of CHAPTERS)
      expect(
        (await loadChapterExercises(c.slug)).map((e) => e.id),
        c.slug,
      ).toEqual(chapterExercises(c.slug).map((e) => e.id));
    expect(await loadChapterExercises('constructor')).toEqual([]);
  });
});
