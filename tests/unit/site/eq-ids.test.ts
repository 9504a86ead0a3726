/**
 * One id per equation, shared by chapter (<Eq id>), code (`Eq. <id>:` in lib/) and test (a test named
 * `<id>: ...` in tests/unit/). Fails for ids used in code that no chapter defines or no test checks;
 * prints chapter equations with no code (allowed: some equations are prose only).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';
import { buildBookIndex, loadChapterSources } from '@/lib/mdx-pipeline';

const root = process.cwd();

function files(dir: string, ext: RegExp): string[] {
  const out: string[] = [];
  const visit = (d: string) => {
    for (const name of readdirSync(d)) {
      if (name === 'node_modules' || name.startsWith('.')) continue;
      const p = path.join(d, name);
      if (statSync(p).isDirectory()) visit(p);
      else if (ext.test(name)) out.push(p);
    }
  };
  visit(path.join(root, dir));
  return out;
}

function collect(list: string[], pattern: RegExp): Map<string, string[]> {
  const ids = new Map<string, string[]>();
  for (const file of list) {
    for (const m of readFileSync(file, 'utf8').matchAll(pattern)) {
      const where = path.relative(root, file);
      ids.set(m[1], [...(ids.get(m[1]) ?? []), where]);
    }
  }
  return ids;
}

test('equation ids: every id in lib/ code has a chapter equation and a test', () => {
  const chapterIds = new Set(buildBookIndex(loadChapterSources()).equations.keys());
  const codeIds = collect(files('lib', /\.tsx?$/), /Eq\. ([a-z0-9]+(?:-[a-z0-9]+)*):/g);
  const testIds = collect(files('tests/unit', /\.test\.tsx?$/), /\b(?:test|it|describe)(?:\.\w+)?\(\s*['"`]([a-z0-9]+(?:-[a-z0-9]+)*):/g);

  const noChapter = [...codeIds].filter(([id]) => !chapterIds.has(id)).map(([id, where]) => `${id} (in ${[...new Set(where)].join(', ')})`);
  const noTest = [...codeIds].filter(([id]) => !testIds.has(id)).map(([id, where]) => `${id} (in ${[...new Set(where)].join(', ')})`);
  const proseOnly = [...chapterIds].filter((id) => !codeIds.has(id));
  if (proseOnly.length > 0) console.log(`chapter equations with no code (allowed): ${proseOnly.join(', ')}`);

  expect(chapterIds.size).toBeGreaterThan(0);
  // Both lists in one assertion, so one run shows everything to fix.
  expect({ codeIdsWithoutChapterEq: noChapter, codeIdsWithoutTest: noTest }).toEqual({ codeIdsWithoutChapterEq: [], codeIdsWithoutTest: [] });
});
