import { describe, expect, test } from 'vitest';
import { checkBook, formatProblem } from '@/lib/mdx-pipeline';

// The same check as `npx tsx scripts/check-chapters.ts`, so `npm test` fails on a chapter that would
// not build: syntax, KaTeX, unknown components, duplicate or unknown equation ids, broken links.
describe('content/chapters', () => {
  test('every chapter compiles with the site pipeline, without problems', async () => {
    const { chapters, problems } = await checkBook();
    expect(chapters.length).toBeGreaterThan(0);
    expect(problems.map(formatProblem)).toEqual([]);
  }, 180_000);
});
