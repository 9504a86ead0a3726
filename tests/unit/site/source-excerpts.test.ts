import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { equationCode, excerptsOf } from '@/lib/source-excerpts';
import { buildBookIndex, loadChapterSources } from '@/lib/mdx-pipeline';

const index = buildBookIndex(loadChapterSources());

describe('the code beside the equations', () => {
  it('takes a documented function whole, and only it', () => {
    const text = [
      '/** Eq. a-b: the thing. */',
      'export function thing(x: number): number {',
      '  return x + 1;',
      '}',
      '',
      '/** Not an equation. */',
      'function other() {}',
    ].join('\n');
    const got = excerptsOf('lib/x.ts', text);
    expect(got).toEqual([{ ids: ['a-b'], first: 'a-b', excerpt: { file: 'lib/x.ts', line: 1, name: 'thing', code: text.split('\n').slice(0, 4).join('\n') } }]);
  });

  it('is the source, line for line, of the files it names', () => {
    for (const [, list] of equationCode())
      for (const e of list) {
        const lines = readFileSync(e.file, 'utf8').split('\n');
        const first = e.code.split('\n')[0];
        expect(lines[e.line - 1].trim()).toBe(first.trim());
        expect(e.code.split('\n').length).toBeGreaterThan(1);
      }
  });

  it('names only equations the book has', () => {
    const ids = new Set(index.equations.keys());
    for (const id of equationCode().keys()) expect(ids, id).toContain(id);
  });

  it('shows code for every equation of chapters 2, 3, 5, 6 and 7 that lib implements', () => {
    // forward-step is the one-step recursion the closed form (q-sample) replaces: no lib function computes it.
    // classifier-guidance needs a classifier of noisy inputs, which this project does not train (it guides with CFG).
    const noCode = new Set(['forward-step', 'classifier-guidance']);
    const chapters = ['diffusion-step-by-step', 'learning-to-denoise', 'patchify', 'the-dit-block', 'guidance-and-sampling'];
    const missing = [...index.equations.values()].filter((e) => chapters.includes(e.slug) && !noCode.has(e.id) && !equationCode().has(e.id)).map((e) => e.id);
    expect(missing).toEqual([]);
  });
});
