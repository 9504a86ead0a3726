/**
 * Chapters quote measured numbers in tables: chapter 6 the shipped conditioning models' scores ("What
 * our run found"), chapter 7 the samplers' scores at each step count ("How many steps our model
 * needs"), chapters 6 and 9 the compared models scored without guidance ("Scored as the paper
 * scores", scripts/bench/results-protocol.json) and chapter 9 the rank correlations of that table. A model re-shipped or a bench re-run with other numbers must not leave a chapter stale:
 * each row is checked against its source (a manifest.json, scripts/bench/results-solvers.json), at
 * the precision the table prints.
 */
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { spearman } from '@/lib/models/rank-correlation';

const SLUG: Record<string, string> = { 'in-context': 'in-context', 'cross-attention': 'cross-attention', adaLN: 'adaln', 'adaLN-Zero': 'adaln-zero' };

/** The cells of the table under `section` whose header row starts with `header`. */
function tableRows(chapter: string, section: string, header: string): string[][] {
  const text = readFileSync(chapter, 'utf8');
  const start = text.indexOf(section);
  expect(start, 'the section is missing').toBeGreaterThan(0);
  const lines = text.slice(start).split('\n');
  const first = lines.findIndex((l) => l.startsWith(header));
  expect(first, 'the table is missing').toBeGreaterThan(0);
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
  const rows = tableRows('content/chapters/06-the-dit-block.mdx', '### What our run found', '| block |');
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

interface SweepBench {
  n: number;
  rows: { model?: string; sampler: string; steps: number; cfgScale?: number; conditionalAccuracy: number; fld: number }[];
}
const readSweep = (name: string) => JSON.parse(readFileSync(`scripts/bench/results-${name}.json`, 'utf8')) as SweepBench;

describe('chapter 7 quotes the guidance sweep', () => {
  const bench = readSweep('guidance');
  const rows = tableRows('content/chapters/07-guidance-and-sampling.mdx', '### What guidance does to our model', '| $s$ |');
  it('measured 1,000 samples at every scale the table shows, with DDIM at 50 steps', () => {
    expect(bench.n).toBe(1000);
    expect(rows.map((r) => Number(r[0].replace(/ .*/, '')))).toEqual(bench.rows.map((r) => r.cfgScale));
    for (const r of bench.rows) expect([r.sampler, r.steps]).toEqual(['ddim', 50]);
  });
  it.each(rows.map((r, i) => [r[0], r, i] as const))('s = %s: accuracy and FLD match the bench', (_, r, i) => {
    const b = bench.rows[i];
    expect(r[1]).toBe(`${(b.conditionalAccuracy * 100).toFixed(1)}%`);
    expect(r[2]).toBe(b.fld.toFixed(0));
  });
});

describe('chapter 7 quotes the samplers bench', () => {
  const bench = readSweep('solvers');
  const score = (sampler: string, steps: number) => {
    const r = bench.rows.find((x) => x.sampler === sampler && x.steps === steps);
    expect(r, `${sampler} at ${steps} steps was measured`).toBeDefined();
    return `${(r!.conditionalAccuracy * 100).toFixed(1)}% / ${r!.fld.toFixed(0)}`;
  };
  const rows = tableRows('content/chapters/07-guidance-and-sampling.mdx', '### How many steps our model needs', '| steps |');
  it('measured 1,000 samples, and the table has the reference and four step counts', () => {
    expect(bench.n).toBe(1000);
    expect(rows.map((r) => r[0])).toEqual(['50', '25', '20', '15', '10']);
  });
  it.each(rows.map((r) => [r[0], r] as const))('%s steps: DDIM and DPM-Solver++ accuracy / FLD match the bench', (steps, r) => {
    expect(r[1]).toBe(score('ddim', Number(steps)));
    expect(r[2]).toBe(steps === '50' ? '–' : score('dpm++2m', Number(steps)));
  });
});

describe('chapters 6 and 9 quote the models scored without guidance', () => {
  const bench = readSweep('protocol');
  const unguided = (model: string) => {
    const r = bench.rows.find((x) => x.model === model);
    expect(r, `${model} was scored without guidance`).toBeDefined();
    expect([r!.sampler, r!.steps, r!.cfgScale]).toEqual(['ddim', 50, 1]);
    return r!;
  };
  const manifest = (model: string) => JSON.parse(readFileSync(`public/models/${model}/manifest.json`, 'utf8'));

  it('scored 1,000 samples per model, as the manifests score with guidance', () => {
    expect(bench.n).toBe(1000);
  });

  const cond = tableRows('content/chapters/06-the-dit-block.mdx', '### Scored as the paper scores', '| block |');
  it('chapter 6 has one row per variant', () => {
    expect(cond.map((r) => r[0]).sort()).toEqual(Object.keys(SLUG).sort());
  });
  it.each(cond.map((r) => [r[0], r] as const))('chapter 6, %s: accuracy and FLD without guidance, FLD with guidance 4', (block, r) => {
    const model = `dit-cond-${SLUG[block]}-v1`;
    const u = unguided(model);
    expect(r[1]).toBe(`${(u.conditionalAccuracy * 100).toFixed(1)}%`);
    expect(r[2]).toBe(u.fld.toFixed(0));
    expect(r[3]).toBe(manifest(model).metrics.shipped.fld.toFixed(0));
  });

  const grid = tableRows('content/chapters/09-scaling.mdx', '### Scored as the paper scores', '| model |');
  const folder = (name: string) => {
    const m = /^mini-([SBL])\/([124])$/.exec(name);
    expect(m, name).not.toBeNull();
    return `dit-scale-${m![1].toLowerCase()}-p${m![2]}-v1`;
  };
  it('chapter 9 has the nine grid models', () => {
    expect(grid.length).toBe(9);
  });
  it.each(grid.map((r) => [r[0], r] as const))('chapter 9, %s: Mflops, FLD without guidance and with guidance 4', (name, r) => {
    const model = folder(name);
    const m = manifest(model);
    expect(r[1]).toBe((m.flops.forwardMultiplyAccumulates / 1e6).toFixed(2));
    expect(r[2]).toBe(unguided(model).fld.toFixed(0));
    expect(r[3]).toBe(m.metrics.shipped.fld.toFixed(0));
  });
  it("chapter 9's rank correlations are those of the table", () => {
    const text = readFileSync('content/chapters/09-scaling.mdx', 'utf8');
    const cost = grid.map((r) => Number(r[1]));
    for (const col of [2, 3]) {
      const rho = spearman(
        cost,
        grid.map((r) => Number(r[col].replace(',', ''))),
      )!.rho;
      expect(text, `rho ${rho.toFixed(2)} for column ${col}`).toContain(`$\\rho = ${rho.toFixed(2)}$`);
    }
  });
});
