import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { compile } from '@mdx-js/mdx';
import rehypeKatex from 'rehype-katex';
import remarkMath from 'remark-math';
import { describe, expect, test } from 'vitest';
import { KATEX_OPTIONS } from '@/lib/mdx-pipeline';

const root = path.resolve(__dirname, '..', '..', '..');
const fromApp = createRequire(path.join(root, 'package.json'));
const fromRehypeKatex = createRequire(path.join(root, 'node_modules', 'rehype-katex', 'package.json'));

// Classes KaTeX emits only to name an atom's type; its stylesheet gives them no rule on purpose.
const ATOM_CLASSES = new Set(['mord', 'mrel', 'mbin', 'mopen', 'mclose', 'mpunct', 'minner', 'mop', 'mtight', 'nobreak']);

/**
 * The chapters are typeset at build time by rehype-katex; app/layout.tsx imports katex/dist/katex.min.css.
 * When the two were different KaTeX versions (0.16 renderer, 0.19 stylesheet, which renamed .base, .vbox,
 * .thinbox ... to .katex-base ...), the layout rules never applied: \neq showed as "/ =" and inline maths
 * broke inside a symbol. package.json's override gives rehype-katex the app's KaTeX.
 */
describe('KaTeX stylesheet', () => {
  test('rehype-katex typesets with the KaTeX whose stylesheet the layout imports', () => {
    expect(fromRehypeKatex.resolve('katex/package.json')).toBe(fromApp.resolve('katex/package.json'));
  });

  test('every layout class of typeset maths (\\neq, \\not, accents, roots, fractions) has a rule in that stylesheet', async () => {
    const css = readFileSync(path.join(path.dirname(fromApp.resolve('katex/package.json')), 'dist', 'katex.min.css'), 'utf8');
    const source = 'once $\\alpha \\neq 0$, $\\bar\\alpha_t = \\sqrt{1-\\beta_t}$, $\\frac{a}{b} \\not\\in S$ and $x \\ne y$';
    const code = String(await compile(source, { remarkPlugins: [remarkMath], rehypePlugins: [[rehypeKatex, KATEX_OPTIONS]] }));
    const classes = new Set([...code.matchAll(/className: "([^"]*)"/g)].flatMap((m) => m[1].split(/\s+/)));
    expect(classes.size).toBeGreaterThan(20);
    const unstyled = [...classes].filter((c) => !ATOM_CLASSES.has(c) && !new RegExp(`\\.${c}(?![\\w-])`).test(css));
    expect(unstyled).toEqual([]);
  });
});
