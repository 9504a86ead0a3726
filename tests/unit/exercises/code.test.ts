/**
 * The code exercises and cells run the way the sandbox worker runs them (lib/sandbox/execute.ts),
 * here in Node: each exercise's worked solution passes every case against the lib reference, its
 * classic wrong answer and its starter code fail at least one, for several students.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { setNodeBackend } from '@/lib/node-backend';
import { tf } from '@/lib/tf';
import { EXERCISES } from '@/content/exercises';
import { CELLS } from '@/content/cells';
import { drawParams } from '@/lib/exercises/seed';
import type { CodeExercise, Params } from '@/lib/exercises/types';
import { cellApi, exerciseApi, type CellModels } from '@/lib/sandbox/api';
import { cellNeedsModels } from '@/lib/sandbox/protocol';
import { OutputCollector } from '@/lib/sandbox/outputs';
import { runCell, runCodeExercise, compareValues } from '@/lib/sandbox/execute';
import { REFERENCES } from '@/lib/sandbox/references';
import { loadMnistSplit } from '@/lib/data/node';

const CODE = EXERCISES.filter((e): e is CodeExercise => e.kind === 'code');

beforeAll(async () => {
  await setNodeBackend('wasm');
});

function run(ex: CodeExercise, student: string, code: string) {
  const out = new OutputCollector();
  return runCodeExercise(ex, drawParams(ex, student) as Params, code, REFERENCES[ex.reference], exerciseApi({ tf, out }), out);
}

describe('code exercises', () => {
  it('there is one in nine chapters, and every reference exists', () => {
    expect(new Set(CODE.map((e) => e.chapter))).toEqual(
      new Set([
        'diffusion-step-by-step',
        'learning-to-denoise',
        'patchify',
        'the-dit-block',
        'guidance-and-sampling',
        'scaling',
        'latent-space',
        'inside-the-model',
        'train-your-own',
      ]),
    );
    for (const e of CODE) expect(REFERENCES[e.reference], e.id).toBeTypeOf('function');
  });

  describe.each(CODE.map((e) => [e.id, e] as const))('%s', (_id, ex) => {
    it.each(['', 'ada', 'student-17'])('student "%s": the solution passes, the classic mistake and the starter fail', (student) => {
      const good = run(ex, student, ex.solutionCode);
      expect(good.error).toBeNull();
      expect(good.cases.length).toBeGreaterThanOrEqual(3);
      expect(good.cases.filter((c) => !c.passed).map((c) => `${c.name}: ${c.message}`)).toEqual([]);
      const wrong = run(ex, student, ex.wrongCode);
      expect(wrong.cases.some((c) => !c.passed)).toBe(true);
      const starter = run(ex, student, ex.starter);
      expect(starter.error).toBeNull();
      expect(starter.cases.some((c) => !c.passed)).toBe(true);
    });
  });

  it('says what is wrong: a syntax error with its line, a missing function, a throw, a wrong length', () => {
    const ex = CODE.find((e) => e.id === 'code-q-sample')!;
    expect(run(ex, '', 'function qSample(x0, t, eps) {\n  return x0.map((x) => x *;\n}').error).toMatch(/SyntaxError/);
    expect(run(ex, '', 'function other() {}').error).toMatch(/does not define a function named qSample/);
    const thrown = run(ex, '', 'function qSample() {\n  throw new Error("boom");\n}');
    expect(thrown.cases[0].message).toMatch(/threw Error: boom \(line 2\)/);
    expect(run(ex, '', 'function qSample(x0) { return [1]; }').cases.find((c) => !c.passed)?.message).toMatch(/returned 1 value, expected 4/);
  });

  it('code that overwrites Math.abs or Number.isFinite cannot make a wrong answer pass', () => {
    const ex = CODE.find((e) => e.id === 'code-cfg')!;
    const cheat = 'Math.abs = () => 0; Number.isFinite = () => true; Math.max = () => 1e9;\nfunction guide(c) { return c.map(() => 12345); }';
    const saved = { abs: Math.abs, max: Math.max, isFinite: Number.isFinite };
    try {
      const r = run(ex, '', cheat);
      expect(r.cases.every((c) => !c.passed)).toBe(true);
    } finally {
      // In the sandbox the worker is thrown away after the run; here the test process must get its globals back.
      Object.assign(Math, { abs: saved.abs, max: saved.max });
      Number.isFinite = saved.isFinite;
    }
  });

  it('compares arrays, tensors and numbers alike', () => {
    expect(compareValues([1, 2], tf.tensor1d([1, 2]), { abs: 1e-6 })).toBeNull();
    expect(compareValues(3, [3], { abs: 0 })).toBeNull();
    expect(
      compareValues(
        [
          [1, 2],
          [3, 4],
        ],
        [1, 2, 3, 4],
        { abs: 0 },
      ),
    ).toBeNull();
    expect(compareValues([1, NaN], [1, 2], { abs: 1 })).toMatch(/value 2 of 2: expected 2, got NaN/);
    expect(compareValues('x', [1], { abs: 0 })).toMatch(/not numbers/);
  });
});

describe('cells', () => {
  const { testSet } = loadMnistSplit();
  // Stand-ins with the shipped models' shapes: the real ones load in the browser (tests/e2e/code.spec.ts).
  const models: CellModels = {
    sample: async (o = {}) => ({
      images: Array.from({ length: o.n ?? 8 }, () => new Array<number>(1024).fill(0)),
      labels: new Array<number>(o.n ?? 8).fill(o.label ?? 0),
    }),
    encode: async () => new Array<number>(256).fill(0.5),
    decode: async () => new Array<number>(1024).fill(0),
  };
  it.each(CELLS.map((c) => [c.id, c] as const))('%s runs without an error and shows something', async (_id, cell) => {
    const out = new OutputCollector();
    const r = await runCell(cell.code, cellApi({ tf, digits: testSet, out, models: cellNeedsModels(cell.code) ? models : undefined }), out);
    expect(r.error).toBeNull();
    expect(r.outputs.length).toBeGreaterThan(0);
  });

  it('an error in a cell names its line and keeps what was printed before it', async () => {
    const out = new OutputCollector();
    const r = await runCell('print(1);\nprint(2);\nnope();', cellApi({ tf, digits: null, out }), out);
    expect(r.outputs).toEqual([
      { kind: 'text', text: '1' },
      { kind: 'text', text: '2' },
    ]);
    expect(r.error).toMatch(/ReferenceError: nope is not defined \(line 3\)/);
  });

  it('a cell may await, and an error after an await still names its line', async () => {
    const out = new OutputCollector();
    const r = await runCell('const v = await Promise.resolve(3);\nprint(v);\nawait null;\nundefinedThing();', cellApi({ tf, digits: null, out }), out);
    expect(r.outputs).toEqual([{ kind: 'text', text: '3' }]);
    expect(r.error).toMatch(/ReferenceError: undefinedThing is not defined \(line 4\)/);
  });

  it('without the models, sample() says why', async () => {
    const out = new OutputCollector();
    const r = await runCell('await sample({ n: 2 });', cellApi({ tf, digits: null, out }), out);
    expect(r.error).toMatch(/the shipped models are not loaded/);
  });

  it('output is capped', async () => {
    const out = new OutputCollector();
    const r = await runCell('for (let i = 0; i < 500; i++) print(i);', cellApi({ tf, digits: null, out }), out);
    expect(r.outputs).toHaveLength(101);
    expect(r.outputs[100]).toEqual({ kind: 'text', text: '(400 more outputs not shown: a cell shows at most 100)' });
  });
});
