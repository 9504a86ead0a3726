/**
 * Re-grading a class's submissions in the teacher's browser. Nothing a file says about its own
 * score is used: every attempt's raw answer is checked again against the numbers the assignment
 * gives that student (lib/exercises/check.ts), and code is run again in the sandbox through the
 * runner the page passes in. A file is read only after its schema holds, and each way it can be
 * wrong becomes a sentence naming it.
 */
import type { Assignment } from './assignment';
import { paramSeed } from './assignment';
import { canonicalJson, checksumHolds, isLate, receipt, SubmissionSchema, SUBMISSION_FORMAT, SUBMISSION_VERSION, type Submission } from './submission';
import { checkAnswer, parseNumber } from '../exercises/check';
import { drawParams, fnv1a } from '../exercises/seed';
import { invalidAt, type Attempt, type ProgressEntry } from '../exercises/progress';
import type { CodeExercise, Exercise, Params } from '../exercises/types';

/** How one student did on one exercise, as re-graded. */
export interface ExerciseGrade {
  right: boolean;
  attempts: number;
  hints: number;
  solution: boolean;
  /** What the file said (solved or not): shown where it disagrees with the re-grade. */
  claimed: boolean;
  /** For the statistics: the last wrong answer, as the class table writes it (null when none). */
  wrong: string | null;
  /** Code exercises: a key of the code that counted (the right one, else the last), whitespace and comments aside. */
  codeKey?: string;
}

export interface StudentRow {
  student: string;
  /** The student as matched against the roster and other files: trimmed, lower case. */
  key: string;
  file: string;
  receipt: string;
  submittedAt: string;
  late: boolean;
  /** False when the checksum does not match: the file was edited or damaged after it was made. */
  intact: boolean;
  grades: Record<string, ExerciseGrade>;
  score: number;
}

/** Runs a student's code for a code exercise in the sandbox: whether every case passed, else the first failure. */
export type CodeRunner = (ex: CodeExercise, seed: string, code: string) => Promise<{ passed: boolean; failure: string | null }>;

export const studentKey = (s: string) => s.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();

/** Code as compared across students: comments removed, whitespace collapsed. */
export function normaliseCode(code: string): string {
  return code
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/(^|[^:'"\\])\/\/[^\n]*/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
}

export const codeKey = (code: string) => {
  const n = normaliseCode(code);
  return `${fnv1a(n).toString(16).padStart(8, '0')}${fnv1a(`${n.length}\u0000${n}`).toString(16).padStart(8, '0')}`;
};

export type ReadSubmission = { ok: true; submission: Submission; intact: boolean } | { ok: false; message: string };

/** Validates one file's text as a submission for this assignment; the message says what is wrong in words. */
export async function readSubmission(text: string, a: Assignment): Promise<ReadSubmission> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, message: 'not valid JSON: the file is cut short, damaged, or not a DiT Lab submission.' };
  }
  const o = typeof json === 'object' && json !== null && !Array.isArray(json) ? (json as Record<string, unknown>) : null;
  if (!o || o.format !== SUBMISSION_FORMAT)
    return {
      ok: false,
      message:
        o?.format === 'dit-lab-progress'
          ? 'a progress file, not a submission: the student should download their submission from the assignment page.'
          : 'not a DiT Lab submission (it has no "format": "dit-lab-submission").',
    };
  if (o.version !== SUBMISSION_VERSION)
    return { ok: false, message: `a submission of format ${String(o.version).slice(0, 10)}; this page reads format ${SUBMISSION_VERSION}.` };
  const parsed = SubmissionSchema.safeParse(json);
  if (!parsed.success) {
    const where = invalidAt(parsed.error);
    return { ok: false, message: `not a valid submission (the problem is at ${where}); ask the student to download it again.` };
  }
  const s = parsed.data as Submission;
  if (s.assignment.id !== a.id)
    return { ok: false, message: `made for another assignment (“${s.assignment.title.slice(0, 60)}”, id ${s.assignment.id.slice(0, 12)}), not this one.` };
  if (
    s.assignment.v !== a.v ||
    canonicalJson(s.assignment.exercises) !== canonicalJson(a.exercises) ||
    (s.assignment.randomised !== false) !== (a.randomised !== false)
  )
    return { ok: false, message: 'made for another version of this assignment (its exercises or numbers differ from the link being graded).' };
  if (!s.student.trim()) return { ok: false, message: 'has no student name or id.' };
  return { ok: true, submission: s, intact: await checksumHolds(s) };
}

/** How the statistics write a wrong answer: the number as read, the option's text, the widget's setting. */
function wrongText(ex: Exercise, answer: string): string {
  switch (ex.kind) {
    case 'numeric': {
      const n = parseNumber(answer, ex.unit);
      return 'value' in n ? String(n.value).slice(0, 40) : answer.trim().slice(0, 40);
    }
    case 'choice':
    case 'formula': {
      const o = ex.options[Number(answer)];
      return o ? o.text.slice(0, 80) : '(no option)';
    }
    default:
      return answer.slice(0, 80);
  }
}

/** The code attempts worth running: those the file calls right (latest first), then the last one; three at most. */
function codeCandidates(attempts: readonly Attempt[]): string[] {
  const out: string[] = [];
  for (const at of [...attempts.filter((x) => x.correct).reverse(), attempts.at(-1)]) {
    if (at && !out.includes(at.answer)) out.push(at.answer);
    if (out.length === 3) break;
  }
  return out;
}

/** Re-grades one exercise from its raw attempts. */
export async function gradeExercise(ex: Exercise, seed: string, entry: ProgressEntry | undefined, run: CodeRunner): Promise<ExerciseGrade> {
  const base = {
    attempts: entry?.attempts.length ?? 0,
    hints: entry?.hintsShown ?? 0,
    solution: entry?.solutionShown ?? false,
    claimed: entry?.solved ?? false,
  };
  const attempts = entry?.attempts ?? [];
  if (ex.kind === 'code') {
    let right = false;
    let counted: string | null = attempts.at(-1)?.answer ?? null;
    let failure: string | null = null;
    for (const code of codeCandidates(attempts)) {
      const r = await run(ex, seed, code);
      if (r.passed) {
        right = true;
        counted = code;
        break;
      }
      if (code === attempts.at(-1)?.answer) failure = r.failure;
    }
    return {
      ...base,
      right,
      wrong: right || counted === null ? null : (failure ?? 'fails').slice(0, 120),
      ...(counted === null ? {} : { codeKey: codeKey(counted) }),
    };
  }
  const p = drawParams(ex, seed) as Params;
  let right = false;
  let wrong: string | null = null;
  for (const at of attempts) {
    if (checkAnswer(ex, p, at.answer).correct) right = true;
    else wrong = wrongText(ex, at.answer);
  }
  return { ...base, right, wrong: right ? null : wrong };
}

/** A whole submission, re-graded: its row in the class table. */
export async function gradeSubmission(
  s: Submission,
  intact: boolean,
  file: string,
  a: Assignment,
  lookup: (id: string) => Exercise | undefined,
  run: CodeRunner,
): Promise<StudentRow> {
  const seed = paramSeed(a, s.student.trim());
  const grades: Record<string, ExerciseGrade> = {};
  let lastAt = 0;
  for (const id of a.exercises) {
    const ex = lookup(id);
    if (!ex) continue;
    const entry = s.entries[id];
    for (const at of entry?.attempts ?? []) lastAt = Math.max(lastAt, at.at);
    grades[id] = await gradeExercise(ex, seed, entry, run);
  }
  const submitted = Date.parse(s.submittedAt);
  const when = new Date(Math.max(Number.isFinite(submitted) ? submitted : 0, lastAt));
  return {
    student: s.student.trim(),
    key: studentKey(s.student),
    file,
    receipt: receipt(s.checksum),
    submittedAt: s.submittedAt,
    late: isLate(a, when),
    intact,
    grades,
    score: Object.values(grades).filter((g) => g.right).length,
  };
}
