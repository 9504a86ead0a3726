import { describe, expect, it } from 'vitest';
import { CHAPTERS } from '@/content/chapters';
import { chapterExercises, exerciseById, exerciseKnown } from '@/content/exercises';
import { GUIDE } from '@/content/guide';
import { decodeAssignment, encodeAssignment } from '@/lib/assign/assignment';
import { loadChapterSources, proseWords } from '@/lib/mdx-pipeline';

describe("the teacher's guide", () => {
  it('has one entry a chapter, in order, each reading only earlier chapters first', () => {
    expect(GUIDE.map((g) => g.slug)).toEqual(CHAPTERS.map((c) => c.slug));
    GUIDE.forEach((g, i) => {
      for (const s of g.after)
        expect(
          GUIDE.findIndex((x) => x.slug === s),
          `${g.slug} after ${s}`,
        ).toBeLessThan(i);
    });
  });

  it.each(GUIDE.map((g) => [g.slug, g] as const))('%s: every exercise serves a goal, and the suggested assignment is valid', (slug, g) => {
    const own = chapterExercises(slug).map((e) => e.id);
    const mapped = g.goals.flatMap((goal) => goal.exercises);
    expect(new Set(mapped)).toEqual(new Set(own));
    for (const goal of g.goals) expect(goal.exercises.length).toBeGreaterThan(0);
    expect(g.suggested.length).toBeGreaterThan(0);
    expect(new Set(g.suggested).size).toBe(g.suggested.length);
    for (const id of g.suggested) expect(exerciseById(id)?.chapter).toBe(slug);
    const a = { v: 1 as const, id: 'guide001', title: 'x', instructions: '', due: '', exercises: g.suggested };
    expect(decodeAssignment(encodeAssignment(a), exerciseKnown)).toEqual({ ok: true, assignment: a });
  });

  it('counts the words a reader reads, not the markup', () => {
    expect(
      proseWords('import X from "y";\n\n## A title\n\nOne $x^2$ two [three](/a/b/c).\n\n$$\n\\int f\n$$\n\n<Widget prop="a b c" />\n```ts\nconst a = 1;\n```'),
    ).toBe(6);
    const words = loadChapterSources().map((c) => proseWords(c.source));
    expect(words.every((w) => w > 1000 && w < 10_000)).toBe(true);
  });
});
