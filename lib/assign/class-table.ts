/**
 * The class table a teacher grades from: one row per student (the latest submission counts), who
 * is missing against a pasted roster, statistics per exercise, code handed in identically by
 * several students, a CSV a gradebook imports, and the whole of it kept in the browser between
 * visits (validated again when read back, like any stored data).
 */
import * as z from 'zod/mini';
import type { Assignment } from './assignment';
import { codeKey, gradeSubmission, readSubmission, studentKey, type CodeRunner, type StudentRow } from './grade';
import type { Problem, Unpacked } from './unpack';
import type { Exercise } from '../exercises/types';

export interface Gradebook {
  rows: StudentRow[];
  /** Files that could not be graded, each with the reason. */
  problems: Problem[];
  /** Files set aside because the same student handed in a later one (or the same file twice). */
  superseded: { file: string; student: string; by: string }[];
  roster: string[];
  /** The code of every codeKey that several students share, to show it. */
  codes: Record<string, string>;
}

export const emptyGradebook = (): Gradebook => ({ rows: [], problems: [], superseded: [], roster: [], codes: {} });

/** Adds newly graded rows: one row a student, the latest submission winning; the one set aside is listed. */
export function mergeRows(book: Gradebook, fresh: readonly StudentRow[]): Gradebook {
  const byKey = new Map(book.rows.map((r) => [r.key, r]));
  const superseded = [...book.superseded];
  for (const row of fresh) {
    const old = byKey.get(row.key);
    if (!old) {
      byKey.set(row.key, row);
      continue;
    }
    if (old.receipt === row.receipt && old.file === row.file) {
      byKey.set(row.key, row); // the same file imported again: re-graded, not set aside
      continue;
    }
    const newer = Date.parse(row.submittedAt) >= Date.parse(old.submittedAt) ? row : old;
    const older = newer === row ? old : row;
    byKey.set(row.key, newer);
    superseded.push({ file: older.file, student: older.student, by: newer.file });
  }
  const rows = [...byKey.values()].sort((x, y) => x.key.localeCompare(y.key));
  return { ...book, rows, superseded };
}

/**
 * Grades unpacked uploads into the table: every document validated and re-graded (code through
 * `run`), the rows merged (a student's latest file wins), the refused files listed with their
 * reasons, and the code that several students share kept to show. `progress` hears each file done.
 */
export async function addSubmissions(
  book: Gradebook,
  unpacked: Unpacked,
  a: Assignment,
  lookup: (id: string) => Exercise | undefined,
  run: CodeRunner,
  progress: (done: number, total: number) => void = () => {},
): Promise<{ book: Gradebook; graded: number; problems: Problem[] }> {
  const problems = [...unpacked.problems];
  const rows: StudentRow[] = [];
  const codes = new Map(Object.entries(book.codes));
  for (const [i, doc] of unpacked.docs.entries()) {
    const r = await readSubmission(doc.text, a);
    if (!r.ok) problems.push({ name: doc.name, message: r.message });
    else {
      rows.push(await gradeSubmission(r.submission, r.intact, doc.name, a, lookup, run));
      for (const e of Object.values(r.submission.entries)) for (const at of e.attempts) codes.set(codeKey(at.answer), at.answer);
    }
    progress(i + 1, unpacked.docs.length);
  }
  const merged = mergeRows(book, rows);
  const shared = identicalCode(merged, a).flatMap((g) => {
    const code = codes.get(g.key);
    return code === undefined ? [] : [[g.key, code] as const];
  });
  const clip = (p: Problem): Problem => ({ name: p.name.slice(0, 400), message: p.message.slice(0, 400) });
  return {
    book: { ...merged, problems: [...merged.problems, ...problems.map(clip)].slice(-1000), codes: Object.fromEntries(shared) },
    graded: rows.length,
    problems,
  };
}

/** The roster as pasted: one student a line (or the first column of a CSV), blank lines and a header "name"/"id" ignored. */
export function parseRoster(text: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const line of text.split(/\r?\n/).slice(0, 2000)) {
    const first = line
      .split(/[,;\t]/)[0]
      .replace(/^"|"$/g, '')
      .trim()
      .slice(0, 80);
    const k = studentKey(first);
    if (!k || /^(name|id|student|student id|username)$/.test(k) || seen.has(k)) continue;
    seen.add(k);
    out.push(first);
  }
  return out;
}

/** Roster students with no submission, and submissions from students not on it (when there is a roster). */
export function rosterCheck(book: Gradebook): { missing: string[]; unlisted: string[] } {
  if (book.roster.length === 0) return { missing: [], unlisted: [] };
  const have = new Set(book.rows.map((r) => r.key));
  const listed = new Set(book.roster.map(studentKey));
  return { missing: book.roster.filter((s) => !have.has(studentKey(s))), unlisted: book.rows.filter((r) => !listed.has(r.key)).map((r) => r.student) };
}

export interface ExerciseStats {
  id: string;
  handedIn: number;
  right: number;
  /** right / handedIn (0 when nobody handed it in). */
  share: number;
  meanAttempts: number;
  solutionsShown: number;
  /** The wrong answer most students ended on, and how many did. */
  commonWrong: { answer: string; count: number } | null;
}

export function exerciseStats(book: Gradebook, a: Assignment): ExerciseStats[] {
  return a.exercises.map((id) => {
    const gs = book.rows.map((r) => r.grades[id]).filter((g) => g !== undefined);
    const tried = gs.filter((g) => g.attempts > 0);
    const counts = new Map<string, number>();
    for (const g of gs) if (g.wrong !== null) counts.set(g.wrong, (counts.get(g.wrong) ?? 0) + 1);
    let commonWrong: ExerciseStats['commonWrong'] = null;
    for (const [answer, count] of counts) if (!commonWrong || count > commonWrong.count) commonWrong = { answer, count };
    const right = gs.filter((g) => g.right).length;
    return {
      id,
      handedIn: gs.length,
      right,
      share: gs.length ? right / gs.length : 0,
      meanAttempts: tried.length ? tried.reduce((s, g) => s + g.attempts, 0) / tried.length : 0,
      solutionsShown: gs.filter((g) => g.solution).length,
      commonWrong,
    };
  });
}

/** Code exercises where two or more students handed in the same code (comments and spacing aside). */
export function identicalCode(book: Gradebook, a: Assignment): { id: string; key: string; students: string[] }[] {
  const out: { id: string; key: string; students: string[] }[] = [];
  for (const id of a.exercises) {
    const groups = new Map<string, string[]>();
    for (const r of book.rows) {
      const k = r.grades[id]?.codeKey;
      if (k) groups.set(k, [...(groups.get(k) ?? []), r.student]);
    }
    for (const [key, students] of groups) if (students.length > 1) out.push({ id, key, students });
  }
  return out;
}

/** One CSV field: quoted, and a leading = + - @ neutralised so a spreadsheet never runs it as a formula. */
function field(v: string | number): string {
  let s = String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return `"${s.replace(/"/g, '""')}"`;
}

/** The table as CSV for a gradebook: a row per student (missing roster students too), a column per exercise. */
export function gradebookCsv(book: Gradebook, a: Assignment, labels: (id: string) => string): string {
  const head = [
    'student',
    'score',
    'out_of',
    ...a.exercises.map(labels),
    'late',
    'file_intact',
    'attempts',
    'hints_shown',
    'solutions_shown',
    'receipt',
    'submitted_at',
    'file',
  ];
  const lines = [head.map(field).join(',')];
  for (const r of book.rows) {
    const gs = a.exercises.map((id) => r.grades[id]);
    lines.push(
      [
        r.student,
        r.score,
        a.exercises.length,
        ...gs.map((g) => (g?.right ? 1 : 0)),
        r.late ? 'yes' : 'no',
        r.intact ? 'yes' : 'no',
        gs.reduce((s, g) => s + (g?.attempts ?? 0), 0),
        gs.reduce((s, g) => s + (g?.hints ?? 0), 0),
        gs.filter((g) => g?.solution).length,
        r.receipt,
        r.submittedAt,
        r.file,
      ]
        .map(field)
        .join(','),
    );
  }
  for (const s of rosterCheck(book).missing)
    lines.push([s, 0, a.exercises.length, ...a.exercises.map(() => ''), 'missing', '', '', '', '', '', '', ''].map(field).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

// --- Kept between visits ---------------------------------------------------------------------

const STORE_PREFIX = 'dit-lab/gradebook/v1/';
const MAX_STORED_CHARS = 3_000_000;

const Text = (n: number) => z.string().check(z.maxLength(n));
const GradeSchema = z.object({
  right: z.boolean(),
  attempts: z.number().check(z.int(), z.minimum(0), z.maximum(1000)),
  hints: z.number().check(z.int(), z.minimum(0), z.maximum(100)),
  solution: z.boolean(),
  claimed: z.boolean(),
  wrong: z.nullable(Text(200)),
  codeKey: z.optional(Text(40)),
});
const RowSchema = z.object({
  student: Text(80),
  key: Text(80),
  file: Text(400),
  receipt: Text(20),
  submittedAt: Text(40),
  late: z.boolean(),
  intact: z.boolean(),
  grades: z.record(Text(80), GradeSchema),
  score: z.number().check(z.int(), z.minimum(0)),
});
const BookSchema = z.object({
  rows: z.array(RowSchema).check(z.maxLength(5000)),
  problems: z.array(z.object({ name: Text(400), message: Text(400) })).check(z.maxLength(5000)),
  superseded: z.array(z.object({ file: Text(400), student: Text(80), by: Text(400) })).check(z.maxLength(5000)),
  roster: z.array(Text(80)).check(z.maxLength(2000)),
  codes: z.record(Text(40), Text(4000)),
});

export type StoredBook = { ok: true; book: Gradebook } | { ok: false; message: string };

/** The table kept for an assignment: empty when there is none, a sentence when it cannot be read (it is left as it is). */
export function loadGradebook(store: Pick<Storage, 'getItem'>, assignmentId: string): StoredBook {
  let raw: string | null;
  try {
    raw = store.getItem(STORE_PREFIX + assignmentId);
  } catch {
    return { ok: true, book: emptyGradebook() };
  }
  if (raw === null) return { ok: true, book: emptyGradebook() };
  try {
    const parsed = BookSchema.safeParse(raw.length <= MAX_STORED_CHARS ? JSON.parse(raw) : null);
    if (parsed.success) return { ok: true, book: parsed.data };
  } catch {
    // falls through to the message
  }
  return { ok: false, message: 'The table kept in this browser for this assignment could not be read (it was damaged or edited); import the files again.' };
}

/** Keeps the table; false when the browser refused (storage full or disabled). */
export function saveGradebook(store: Pick<Storage, 'setItem'>, assignmentId: string, book: Gradebook): boolean {
  try {
    const text = JSON.stringify(BookSchema.parse(book));
    if (text.length > MAX_STORED_CHARS) return false;
    store.setItem(STORE_PREFIX + assignmentId, text);
    return true;
  } catch {
    return false;
  }
}

export function clearGradebook(store: Pick<Storage, 'removeItem'>, assignmentId: string): void {
  try {
    store.removeItem(STORE_PREFIX + assignmentId);
  } catch {
    // nothing kept to clear
  }
}
