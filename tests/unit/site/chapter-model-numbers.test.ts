/**
 * Chapter 6 quotes the shipped conditioning models' scores in a table ("What our run found"). A model
 * re-shipped with other numbers must not leave the chapter stale: each row is checked against the
 * model's manifest.json, at the precision the table prints.
 */
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';

const CHAPTER = 'content/chapters/06-the-dit-block.mdx';
const SLUG: Record<string, string> = { 'in-context': 'in-context', 'cross-attention': 'cross-attention', adaLN: 'adaln', 'adaLN-Zero': 'adaln-zero' };

function tableRows(): string[][] {
  const text = readFileSync(CHAPTER, 'utf8');
  const start = text.indexOf('### What our run found');
  expect(start, 'the section is missing').toBeGreaterThan(0);
  const lines = text.slice(start).split('\n');
  const first = lines.findIndex((l) => l.startsWith('| block |'));
  const rows: string[][] = [];
  for (const l of lines.slice(first + 2)) {
    if (!l.startsWith('|')) break;
    rows.push(
      l
        .split('|')
        .slice(1, -1)
        .map((c) => c.replace(/\*/g, '').trim()),
    );
  }
  return rows;
}

describe('chapter 6 quotes the conditioning manifests', () => {
  const rows = tableRows();
  it('has one row per variant', () => {
    expect(rows.map((r) => r[0]).sort()).toEqual(Object.keys(SLUG).sort());
  });
  it.each(rows.map((r) => [r[0], r] as const))('%s: parameters, Mflops, accuracy and FLD match the manifest', (block, r) => {
    const m = JSON.parse(readFileSync(`public/models/dit-cond-${SLUG[block]}-v1/manifest.json`, 'utf8'));
    const s = m.metrics.shipped;
    expect(r[1]).toBe(`${(m.parameters / 1e6).toFixed(2)}M`);
    expect(r[2]).toBe((m.flops.forwardMultiplyAccumulates / 1e6).toFixed(1));
    expect(r[3]).toBe(`${(s.conditionalAccuracy * 100).toFixed(1)}%`);
    expect(r[4]).toBe(s.fld.toFixed(0));
    expect(s.n).toBe(1000);
  });
});
