/**
 * Grading from raw answers: a class of made-up submissions (right, wrong, an edited score, a
 * reveal, code right and wrong, a late one, two files of one student) re-graded with the real
 * checkers and the real code runner, then the class table, statistics, CSV and stored table.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { zipSync, strToU8 } from 'fflate';
import { setNodeBackend } from '@/lib/node-backend';
import { tf } from '@/lib/tf';
import { EXERCISES, exerciseById, exerciseNumber } from '@/content/exercises';
import type { Assignment } from '@/lib/assign/assignment';
import { buildSubmission, type Submission } from '@/lib/assign/submission';
import { codeKey, gradeSubmission, normaliseCode, readSubmission, type CodeRunner, type StudentRow } from '@/lib/assign/grade';
import {
  addSubmissions,
  emptyGradebook,
  exerciseStats,
  gradebookCsv,
  identicalCode,
  loadGradebook,
  mergeRows,
  parseRoster,
  rosterCheck,
  saveGradebook,
} from '@/lib/assign/class-table';
import { unpackUploads, MAX_SUBMISSION_BYTES, MAX_UPLOAD_BYTES } from '@/lib/assign/unpack';
import { emptyEntry, withAttempt, type ProgressEntry } from '@/lib/exercises/progress';
import { drawParams } from '@/lib/exercises/seed';
import type { CodeExercise, NumericExercise, Params } from '@/lib/exercises/types';
import { exerciseApi } from '@/lib/sandbox/api';
import { OutputCollector } from '@/lib/sandbox/outputs';
import { runCodeExercise } from '@/lib/sandbox/execute';
import { codeVerdict } from '@/lib/sandbox/protocol';
import { REFERENCES } from '@/lib/sandbox/references';

beforeAll(async () => {
  await setNodeBackend('wasm');
});

const runs: string[] = [];
/** The same code runner the page's sandbox worker runs, here in-process. */
const run: CodeRunner = async (ex, seed, code) => {
  runs.push(code);
  const out = new OutputCollector();
  return codeVerdict(runCodeExercise(ex, drawParams(ex, seed) as Params, code, REFERENCES[ex.reference], exerciseApi({ tf, out }), out));
};

const NUM = exerciseById('image-weight-linear') as NumericExercise;
const CHOICE = exerciseById('why-shrink')!;
const CODE = exerciseById('code-patchify') as CodeExercise;
const A: Assignment = { v: 1, id: 'test0001', title: 'Week 3', instructions: '', due: '2027-01-15', exercises: [NUM.id, CHOICE.id, CODE.id] };
const rightOption = CHOICE.kind === 'choice' ? CHOICE.options.findIndex((o) => o.correct) : -1;
const wrongOption = CHOICE.kind === 'choice' ? CHOICE.options.findIndex((o) => !o.correct) : -1;
const T = Date.parse('2027-01-10T12:00:00Z');

function entry(answers: [string, boolean][], more: Partial<ProgressEntry> = {}): ProgressEntry {
  let e = emptyEntry(T);
  answers.forEach(([answer, correct], i) => (e = withAttempt(e, { at: T + i * 1000, answer, correct })));
  return { ...e, ...more };
}
const numAnswer = (student: string, a = A) => String(NUM.answer(drawParams(NUM, a.randomised === false ? '' : student) as Params));

async function grade(s: Submission, file = 'f.json', a = A): Promise<StudentRow> {
  const read = await readSubmission(JSON.stringify(s), a);
  if (!read.ok) throw new Error(read.message);
  return gradeSubmission(read.submission, read.intact, file, a, exerciseById, run);
}

describe('re-grading a submission', () => {
  it('scores from the raw answers with the student’s own numbers, and runs code again', async () => {
    const s = await buildSubmission(
      A,
      'Ada',
      {
        [NUM.id]: entry([
          ['0.5', false],
          [numAnswer('Ada'), true],
        ]),
        [CHOICE.id]: entry([[String(rightOption), true]]),
        [CODE.id]: entry([[CODE.solutionCode, true]], { hintsShown: 1 }),
      },
      '0.1.0',
      new Date(T + 60_000),
    );
    const row = await grade(s);
    expect(row.score).toBe(3);
    expect(row.intact).toBe(true);
    expect(row.late).toBe(false);
    expect(row.grades[NUM.id]).toMatchObject({ right: true, attempts: 2, wrong: null });
    expect(row.grades[CODE.id]).toMatchObject({ right: true, hints: 1, codeKey: codeKey(CODE.solutionCode) });
  });

  it('ignores a score edited inside the file, and says the file was edited', async () => {
    const s = await buildSubmission(
      A,
      'Bob',
      { [NUM.id]: entry([['123456', false]]), [CHOICE.id]: entry([[String(wrongOption), false]]), [CODE.id]: entry([[CODE.wrongCode, false]]) },
      '0.1.0',
      new Date(T),
    );
    for (const e of Object.values(s.entries)) {
      e.solved = true;
      e.attempts.forEach((x) => (x.correct = true));
    }
    const row = await grade(s);
    expect(row.intact).toBe(false);
    expect(row.score).toBe(0);
    expect(row.grades[NUM.id]).toMatchObject({ right: false, claimed: true, wrong: '123456' });
    expect(row.grades[CHOICE.id].wrong).toBe(CHOICE.kind === 'choice' ? CHOICE.options[wrongOption].text.slice(0, 80) : '');
    expect(row.grades[CODE.id]).toMatchObject({ right: false, claimed: true });
  });

  it('another student’s right number is wrong for this student; with shared numbers it is right', async () => {
    const ada = numAnswer('Ada');
    expect(ada).not.toBe(numAnswer('Cy')); // the draw differs (else the test proves nothing)
    const s = await buildSubmission(A, 'Cy', { [NUM.id]: entry([[ada, true]]) }, '0.1.0', new Date(T));
    expect((await grade(s)).grades[NUM.id].right).toBe(false);
    const fixed: Assignment = { ...A, randomised: false };
    const f = await buildSubmission(fixed, 'Cy', { [NUM.id]: entry([[numAnswer('x', fixed), true]]) }, '0.1.0', new Date(T));
    expect((await grade(f, 'f.json', fixed)).grades[NUM.id].right).toBe(true);
  });

  it('runs at most three codes an exercise: those called right, then the last', async () => {
    runs.length = 0;
    const attempts: [string, boolean][] = Array.from({ length: 8 }, (_, i) => [`${CODE.wrongCode}\n// try ${i}`, i % 2 === 0]);
    const s = await buildSubmission(A, 'Dee', { [CODE.id]: entry(attempts) }, '0.1.0', new Date(T));
    const row = await grade(s);
    expect(row.grades[CODE.id].right).toBe(false);
    expect(runs).toHaveLength(3);
    expect(runs).toEqual([attempts[6][0], attempts[4][0], attempts[2][0]]);
  });

  it('marks a submission late after the due date’s end (UTC), by its own time or its last attempt', async () => {
    const late = await buildSubmission(A, 'Eve', {}, '0.1.0', new Date('2027-01-16T00:00:01Z'));
    expect((await grade(late)).late).toBe(true);
    const onTime = await buildSubmission(A, 'Eve', {}, '0.1.0', new Date('2027-01-15T23:59:59Z'));
    expect((await grade(onTime)).late).toBe(false);
    const backdated = await buildSubmission(
      A,
      'Eve',
      { [NUM.id]: { ...entry([]), attempts: [{ at: Date.parse('2027-02-01'), answer: '1', correct: false }] } },
      '0.1.0',
      new Date(T),
    );
    expect((await grade(backdated)).late).toBe(true);
  });
});

describe('refusing files, each with a sentence', () => {
  it.each([
    ['truncated JSON', (t: string) => t.slice(0, t.length / 2), /not valid JSON/],
    ['a progress file', () => JSON.stringify({ format: 'dit-lab-progress', version: 1 }), /progress file, not a submission/],
    ['another program’s JSON', () => '{"hello": 1}', /not a DiT Lab submission/],
    ['a newer format', (t: string) => t.replace('"version":1', '"version":9'), /format 9/],
    ['a wrong type', (t: string) => t.replace('"student":"Ada"', '"student":42'), /problem is at student/],
    ['another assignment', (t: string) => t.replace('"id":"test0001"', '"id":"other999"'), /another assignment/],
    ['another version', (t: string) => t.replace(`"exercises":["${NUM.id}",`, `"exercises":[`), /another version/],
    ['an overlong answer', (t: string) => t.replace('"answer":"0.5"', `"answer":"${'9'.repeat(5000)}"`), /problem is at entries/],
  ])('%s', async (_what, edit, why) => {
    const s = await buildSubmission(A, 'Ada', { [NUM.id]: entry([['0.5', false]]) }, '0.1.0', new Date(T));
    const text = edit(JSON.stringify(s));
    const r = await readSubmission(text, A);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).toMatch(why);
  });
});

describe('unpacking uploads', () => {
  const file = (name: string, bytes: Uint8Array) => ({ name, size: bytes.length, arrayBuffer: async () => bytes.slice().buffer });

  it('reads Canvas and Moodle zips, renamed files and nested folders; skips what is not JSON', async () => {
    const zip = zipSync({
      'smithada_12345_67890_dit-lab-week-3-ada.json': strToU8('{"a":1}'),
      'Bob Jones_4242_assignsubmission_file_/renamed.JSON': strToU8('{"b":2}'),
      '__MACOSX/._renamed.JSON': strToU8('junk'),
      'readme.pdf': strToU8('%PDF'),
    });
    const u = await unpackUploads([file('class.zip', zip), file('loose.json', strToU8('{"c":3}'))]);
    expect(u.docs.map((d) => d.name)).toEqual([
      'class.zip › smithada_12345_67890_dit-lab-week-3-ada.json',
      'class.zip › Bob Jones_4242_assignsubmission_file_/renamed.JSON',
      'loose.json',
    ]);
    expect(u.skipped).toHaveLength(2);
    expect(u.problems).toEqual([]);
  });

  it('stops a zip bomb at the cap whatever its header says, and keeps the other files', async () => {
    const bomb = zipSync({ 'big.json': new Uint8Array(MAX_SUBMISSION_BYTES * 3).fill(32), 'ok.json': strToU8('{}') }, { level: 9 });
    expect(bomb.length).toBeLessThan(100_000);
    // A header that lies about the size: patch every "original size" field of the local and central headers to 10 bytes.
    const lying = bomb.slice();
    const view = new DataView(lying.buffer);
    for (let i = 0; i + 4 <= lying.length; i++) {
      const sig = view.getUint32(i, true);
      if (sig === 0x04034b50) view.setUint32(i + 22, 10, true);
      if (sig === 0x02014b50) view.setUint32(i + 24, 10, true);
    }
    for (const z of [bomb, lying]) {
      const u = await unpackUploads([file('bomb.zip', z)]);
      expect(u.problems.map((p) => p.name)).toContain('bomb.zip › big.json');
      expect(u.problems[0].message).toMatch(/larger than any submission|zip bomb/);
      expect(u.docs.map((d) => d.name)).toContain('bomb.zip › ok.json');
    }
  });

  it('refuses a 50 MB file by its size, without reading it', async () => {
    let read = false;
    const u = await unpackUploads([
      {
        name: 'huge.json',
        size: 50_000_000,
        arrayBuffer: async () => {
          read = true;
          return new ArrayBuffer(0);
        },
      },
    ]);
    expect(read).toBe(false);
    expect(u.problems[0]).toMatchObject({ name: 'huge.json' });
    expect(u.problems[0].message).toMatch(new RegExp(`larger than this page reads \\(${MAX_UPLOAD_BYTES / 1e6} MB\\)`));
  });

  it('names a damaged zip and what is neither JSON nor zip', async () => {
    const zip = zipSync({ 'a.json': strToU8('{"a":1}'), 'b.json': strToU8('{"b":2}') });
    const u = await unpackUploads([file('cut.zip', zip.slice(0, 40)), file('photo.png', new Uint8Array([0x89, 0x50, 0x4e, 0x47]))]);
    expect(u.problems.map((p) => p.name)).toEqual(expect.arrayContaining(['photo.png']));
    expect(u.problems.find((p) => p.name === 'photo.png')!.message).toMatch(/neither a submission/);
  });
});

describe('the class table', () => {
  let rows: StudentRow[];
  beforeAll(async () => {
    const mk = (student: string, at: number, code: string, num: string) =>
      buildSubmission(A, student, { [NUM.id]: entry([[num, false]]), [CODE.id]: entry([[code, false]]) }, '0.1.0', new Date(at));
    rows = [
      await grade(await mk('Ada', T, CODE.solutionCode, numAnswer('Ada')), 'ada.json'),
      await grade(await mk('Bob', T, `${CODE.solutionCode}\n// mine`, '7'), 'bob.json'),
      await grade(await mk(' bob ', T + 5000, CODE.wrongCode, '7'), 'bob-2.json'),
      await grade(await mk('Cy', T, CODE.wrongCode, '7'), 'cy.json'),
    ];
  });

  it('keeps one row a student, the later file winning, and lists the one set aside', () => {
    const book = mergeRows(emptyGradebook(), rows);
    expect(book.rows.map((r) => r.student)).toEqual(['Ada', 'bob', 'Cy']);
    expect(book.superseded).toEqual([{ file: 'bob.json', student: 'Bob', by: 'bob-2.json' }]);
    expect(mergeRows(book, rows.slice(0, 1))).toEqual(book); // the same file again changes nothing
  });

  it('checks the roster both ways', () => {
    const book = { ...mergeRows(emptyGradebook(), rows), roster: parseRoster('name,email\nAda,a@x\nBOB\nDee\n\nDee\n') };
    expect(book.roster).toEqual(['Ada', 'BOB', 'Dee']);
    expect(rosterCheck(book)).toEqual({ missing: ['Dee'], unlisted: ['Cy'] });
  });

  it('gives statistics per exercise and finds identical code', () => {
    const book = mergeRows(emptyGradebook(), rows);
    const stats = exerciseStats(book, A);
    const num = stats.find((s) => s.id === NUM.id)!;
    expect(num).toMatchObject({ handedIn: 3, right: 1, commonWrong: { answer: '7', count: 2 } });
    expect(num.share).toBeCloseTo(1 / 3);
    expect(stats.find((s) => s.id === CODE.id)).toMatchObject({ right: 1 });
    const same = identicalCode(book, A);
    expect(same).toEqual([{ id: CODE.id, key: codeKey(CODE.wrongCode), students: ['bob', 'Cy'] }]);
    expect(normaliseCode('a = 1; // x\n/* y */ b')).toBe('a = 1; b');
  });

  it('writes a CSV a gradebook imports, with formulas neutralised', () => {
    const book = { ...mergeRows(emptyGradebook(), rows), roster: ['Ada', 'Dee'] };
    book.rows[0] = { ...book.rows[0], student: '=HYPERLINK("x")' };
    const csv = gradebookCsv(book, A, (id) => exerciseNumber(exerciseById(id)!).number);
    const lines = csv.trim().split('\r\n');
    const numbers = A.exercises.map((id) => `"${exerciseNumber(exerciseById(id)!).number}"`).join(',');
    expect(lines[0]).toBe(
      `"student","score","out_of",${numbers},"late","file_intact","attempts","hints_shown","solutions_shown","receipt","submitted_at","file"`,
    );
    expect(lines[1].startsWith(`"'=HYPERLINK(""x"")","2","3","1","0","1"`)).toBe(true);
    expect(lines.at(-1)).toMatch(/^"Dee","0","3",.*"missing"/);
  });

  it('grades unpacked uploads into the table, naming the files it refuses', async () => {
    const twin = await buildSubmission(A, 'Ed', { [CODE.id]: entry([[`${CODE.wrongCode}\n// copied`, false]]) }, '0.1.0', new Date(T));
    const steps: number[] = [];
    const r = await addSubmissions(
      mergeRows(emptyGradebook(), rows),
      {
        docs: [
          { name: 'z.zip › ed.json', text: JSON.stringify(twin) },
          { name: 'cut.json', text: '{"format":' },
        ],
        problems: [{ name: 'big.json', message: 'too big' }],
        skipped: [],
      },
      A,
      exerciseById,
      run,
      (done) => steps.push(done),
    );
    expect(r.graded).toBe(1);
    expect(steps).toEqual([1, 2]);
    expect(r.problems.map((p) => p.name)).toEqual(['big.json', 'cut.json']);
    expect(r.book.rows.map((x) => x.student)).toEqual(['Ada', 'bob', 'Cy', 'Ed']);
    expect(identicalCode(r.book, A)[0].students).toEqual(['bob', 'Cy', 'Ed']);
    expect(normaliseCode(r.book.codes[codeKey(CODE.wrongCode)])).toBe(normaliseCode(CODE.wrongCode));
  });

  it('survives a reload, and a damaged stored table is reported, not used', () => {
    const m = new Map<string, string>();
    const store = {
      getItem: (k: string) => m.get(k) ?? null,
      setItem: (k: string, v: string) => void m.set(k, v),
      removeItem: (k: string) => void m.delete(k),
    };
    const book = mergeRows(emptyGradebook(), rows);
    expect(saveGradebook(store, A.id, book)).toBe(true);
    expect(loadGradebook(store, A.id)).toEqual({ ok: true, book });
    m.set([...m.keys()][0], '{"rows": 5}');
    const r = loadGradebook(store, A.id);
    expect(r.ok).toBe(false);
    expect(loadGradebook(store, 'other')).toEqual({ ok: true, book: emptyGradebook() });
  });
});

it('every exercise is one the grader can re-grade (a checker for each kind)', () => {
  expect(EXERCISES.every((e) => ['numeric', 'choice', 'formula', 'widget', 'code'].includes(e.kind))).toBe(true);
});
