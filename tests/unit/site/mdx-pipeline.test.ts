import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { buildBookIndex, checkBook, compileChapter, loadChapterSources } from '@/lib/mdx-pipeline';

const OK = path.join(__dirname, 'fixtures', 'chapters-ok');
const temp: string[] = [];
afterAll(() => temp.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A chapter folder with the given files (name -> MDX). */
function book(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'ditlab-chapters-'));
  temp.push(dir);
  for (const [name, source] of Object.entries(files)) writeFileSync(path.join(dir, name), source);
  return dir;
}

/** MDX made of these blocks, separated by blank lines. */
const blocks = (...parts: string[]) => parts.join('\n\n');
const eq = (id: string, tex = 'x = 1') => `<Eq id="${id}">\n\n$$\n${tex}\n$$\n\n</Eq>\n`;
const messages = async (dir: string) => (await checkBook(dir)).problems.map((p) => `${path.basename(p.file)}:${p.line ?? ''} ${p.message}`);

describe('mdx pipeline', () => {
  test('the fixture book compiles cleanly, numbers equations per chapter and resolves references across chapters', async () => {
    expect(await messages(OK)).toEqual([]);
    const chapters = loadChapterSources(OK);
    const index = buildBookIndex(chapters);
    expect(index.equations.get('forward-step')?.label).toBe('2.1');
    expect(index.equations.get('q-sample')?.label).toBe('2.2');
    expect(index.equations.get('l-simple')?.label).toBe('3.1');
    const ch3 = await compileChapter(chapters[1], index);
    expect(ch3.code).toContain('href: "/chapters/diffusion-step-by-step/#eq-q-sample"');
    expect(ch3.code).toContain('label: "2.2"');
    const ch2 = await compileChapter(chapters[0], index);
    expect(ch2.code).toContain('number: "2.2"'); // second figure
    expect(ch2.code).toContain('katex-display'); // <Eq> wrapping a $$ block is typeset as display maths
    expect(ch2.outline.map((o) => [o.depth, o.id])).toEqual([
      [2, 'the-forward-process-qx_t-mid-x_0'],
      [3, 'schedules'],
      [2, 'recap'],
    ]);
    expect(ch2.outline[0].segments).toEqual([
      { kind: 'text', value: 'The forward process ' },
      { kind: 'math', value: 'q(x_t \\mid x_0)' },
    ]);
  });

  test('reports an MDX syntax error with its line', async () => {
    const dir = book({ '02-diffusion-step-by-step.mdx': 'Intro.\n\n## A\n\n<Callout kind="note">\nunclosed\n' });
    const found = await messages(dir);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^02-diffusion-step-by-step\.mdx:\d+ MDX syntax error/);
  });

  test('reports KaTeX errors, unknown components, # headings and imports', async () => {
    const dir = book({
      '02-diffusion-step-by-step.mdx': blocks(
        'import X from "y"',
        '# Title',
        'Bad maths $\\frac{1}{$ here.',
        '<Wobble />',
        '<Figure caption="a \\alpha">x</Figure>',
      ),
    });
    const found = await messages(dir);
    expect(found.some((m) => /:1 chapters have no import/.test(m))).toBe(true);
    expect(found.some((m) => /:3 no "#" heading/.test(m))).toBe(true);
    expect(found.some((m) => /:5 KaTeX error/.test(m))).toBe(true);
    expect(found.some((m) => /:7 unknown component <Wobble>/.test(m))).toBe(true);
    expect(found.some((m) => /:9 .*never put LaTeX in a JSX attribute/.test(m))).toBe(true);
  });

  test('reports duplicate Eq ids, EqRef to unknown ids and an Eq without its $$ block', async () => {
    const dir = book({
      '02-diffusion-step-by-step.mdx': `Intro.\n\n${eq('q-sample')}\n<EqRef id="nope" />\n\n<Eq id="bare">x = 1</Eq>\n`,
      '03-learning-to-denoise.mdx': `Intro.\n\n${eq('q-sample')}`,
    });
    const found = await messages(dir);
    expect(found.some((m) => /03-learning-to-denoise\.mdx:3 <Eq id="q-sample"> is defined twice/.test(m))).toBe(true);
    expect(found.some((m) => /<EqRef id="nope"> refers to no <Eq>/.test(m))).toBe(true);
    expect(found.some((m) => /<Eq id="bare"> must hold exactly one \$\$ display-maths block/.test(m))).toBe(true);
  });

  test('reports links to unknown chapters, missing anchors, chapters with no file and a missing trailing slash', async () => {
    const dir = book({
      '02-diffusion-step-by-step.mdx': blocks(
        'Intro.',
        '## Real section',
        '[a](/chapters/no-such-chapter/) [b](/chapters/diffusion-step-by-step/#not-here) [c](/chapters/patchify/)\n' +
          '[d](/chapters/diffusion-step-by-step) [ok](/chapters/diffusion-step-by-step/#real-section)',
      ),
      '2-typo.mdx': 'Stray file.',
    });
    const problems = (await checkBook(dir)).problems;
    const found = problems.map((p) => p.message);
    expect(found.some((m) => /link to unknown chapter \/chapters\/no-such-chapter\//.test(m))).toBe(true);
    expect(found.some((m) => /link to #not-here in chapter 2/.test(m))).toBe(true);
    expect(problems.find((p) => /chapter 5 \(patchify\), which has no file yet/.test(p.message))?.severity).toBe('pending');
    expect(found.some((m) => /needs the trailing slash/.test(m))).toBe(true);
    expect(found.some((m) => /matches no chapter in content\/chapters\.ts/.test(m))).toBe(true);
    expect(found).toHaveLength(5);
  });
});
