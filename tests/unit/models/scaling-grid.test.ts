import { describe, expect, test } from 'vitest';
import { summariseGrid, GRID_TOTAL } from '@/lib/models/scaling-grid';
import { MODELS_INDEX_FORMAT, type ModelIndexEntry, type ModelsIndex } from '@/lib/models/models-index';

function entry(recipe: string, gflops: number, fld: number): ModelIndexEntry {
  const [, s, p] = /^scale-(\w)-p(\d)$/.exec(recipe)!;
  return {
    name: `dit-${recipe}-v1`,
    folder: `models/dit-${recipe}-v1`,
    kind: 'dit',
    recipe,
    purpose: '',
    preset: `DiT-mini-${s.toUpperCase()}/${p}`,
    config: { inputSize: 8, patchSize: Number(p), depth: 4, hiddenSize: 64, numHeads: 2, learnSigma: true, conditioning: 'adaLN-Zero' },
    parameters: 1000,
    gflops,
    steps: 1000,
    plannedSteps: 1000,
    batchSize: 64,
    wallSeconds: 1,
    scores: {
      fld,
      conditionalAccuracy: 0.5,
      n: 1000,
      floors: { testVsTrain: 6.5, vaeReconTestVsTrain: 7 },
      weights: 'raw',
      sampler: 'ddim',
      samplingSteps: 50,
      cfgScale: 4,
    },
    metrics: {},
    lossCurve: [
      { step: 1, loss: 1 },
      { step: 1000, loss: 0.1 },
    ],
    createdAt: null,
  };
}
const index = (models: ModelIndexEntry[]): ModelsIndex => ({ format: MODELS_INDEX_FORMAT, version: 1, models, skipped: [] });

describe('scaling grid summary', () => {
  test('with nothing shipped: nine cells with computed cost and parameters, no correlation', () => {
    const g = summariseGrid(null);
    expect(g.cells).toHaveLength(GRID_TOTAL);
    expect(g.cells.map((c) => c.label)).toEqual(['S/4', 'S/2', 'S/1', 'B/4', 'B/2', 'B/1', 'L/4', 'L/2', 'L/1']);
    const b2 = g.cells[4];
    expect(b2.tokens).toBe(16);
    expect(b2.mflops).toBeCloseTo(20.037632, 6); // chapter 9's 20.04 Mflops
    expect(b2.parameters).toBe(1871136); // dit-default-v1's manifest, the same configuration
    expect(g.cells.every((c) => c.entry === null)).toBe(true);
    expect(g.correlation).toBeNull();
    expect(g.floors).toEqual({});
  });

  test('Spearman over the shipped cells, worked by hand', () => {
    // Mflops 1, 2, 3, 4 with FLD 40, 30, 35, 10: FLD ranks 4, 2, 3, 1; d = -3, 0, 0, 3; rho = 1 - 6 * 18 / 60 = -0.8
    const g = summariseGrid(
      index([entry('scale-s-p4', 0.001, 40), entry('scale-s-p2', 0.002, 30), entry('scale-b-p4', 0.003, 35), entry('scale-l-p1', 0.004, 10)]),
    );
    expect(g.scored.map((c) => c.label)).toEqual(['S/4', 'S/2', 'B/4', 'L/1']);
    expect(g.correlation?.n).toBe(4);
    expect(g.correlation?.rho).toBeCloseTo(-0.8, 12);
    expect(g.cells.find((c) => c.label === 'L/1')?.mflops).toBeCloseTo(4, 9);
    expect(g.floors).toEqual({ testVsTrain: 6.5, vaeReconTestVsTrain: 7 });
  });

  test('two shipped models are too few for a rank correlation', () => {
    const g = summariseGrid(index([entry('scale-s-p4', 0.001, 40), entry('scale-s-p2', 0.002, 30)]));
    expect(g.scored).toHaveLength(2);
    expect(g.correlation).toBeNull();
  });
});
