/**
 * A reader's progress on the exercises, kept in localStorage and moved between machines as a file.
 *
 * Storage: one key per exercise (`dit-lab/progress/v1/<id>`) and one for the student's id, so a
 * corrupt or hand-edited entry loses only itself: every entry is validated when read, and one that
 * fails is skipped (and reported), never half-used. Everything read from storage or from an
 * imported file is hostile until validated: sizes are capped before parsing, the schema (zod) is
 * strict about types and lengths, and ids must be exercises of this book.
 *
 * Import merges: nothing already stored is lost. Attempts are united (by time and answer),
 * a solved exercise stays solved, and reveals keep the larger count.
 */
import * as z from 'zod/mini';

export const PROGRESS_VERSION = 1;
const PREFIX = `dit-lab/progress/v${PROGRESS_VERSION}/`;
/** An assignment's own progress: the work done on its page, with its numbers (see entryKey). */
const ASSIGNMENT_PREFIX = `dit-lab/assignment/v${PROGRESS_VERSION}/`;
const STUDENT_KEY = `dit-lab/student/v${PROGRESS_VERSION}`;
export const FILE_FORMAT = 'dit-lab-progress';
/** The largest progress file that is read at all (a real one is a few kilobytes). */
export const MAX_FILE_BYTES = 1_000_000;
export const MAX_ATTEMPTS = 50;
import { MAX_ANSWER_CHARS } from './check';
export { MAX_ANSWER_CHARS };
const MAX_ID = 80;

const Attempt = z.object({
  at: z.number().check(z.int(), z.minimum(0), z.maximum(8.64e15)),
  /** The answer as typed: a number, an option's index, a widget's setting, or a code exercise's code. */
  answer: z.string().check(z.maxLength(MAX_ANSWER_CHARS)),
  correct: z.boolean(),
});
export type Attempt = z.infer<typeof Attempt>;

export const EntrySchema = z.object({
  attempts: z.array(Attempt).check(z.maxLength(MAX_ATTEMPTS)),
  solved: z.boolean(),
  hintsShown: z.number().check(z.int(), z.minimum(0), z.maximum(20)),
  solutionShown: z.boolean(),
  /** When the exercise was first opened, answered or revealed (ms since 1970). */
  firstAt: z.number().check(z.int(), z.minimum(0)),
});
export type ProgressEntry = z.infer<typeof EntrySchema>;

const IdSchema = z.string().check(z.minLength(1), z.maxLength(MAX_ID), z.regex(/^[a-z0-9][a-z0-9-]*$/));
const StudentSchema = z.string().check(z.maxLength(80));

const FileSchema = z.object({
  format: z.literal(FILE_FORMAT),
  version: z.literal(PROGRESS_VERSION),
  exportedAt: z.string().check(z.maxLength(40)),
  student: StudentSchema,
  exercises: z.record(IdSchema, EntrySchema),
});
export type ProgressFile = z.infer<typeof FileSchema>;

/** The part of the Storage API this module uses (localStorage in the browser, a Map in tests). */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
  key(index: number): string | null;
  readonly length: number;
}

export const emptyEntry = (now: number): ProgressEntry => ({ attempts: [], solved: false, hintsShown: 0, solutionShown: false, firstAt: Math.floor(now) });

/**
 * Where an exercise's progress is kept: the book's own key, or, inside an assignment (scope = its
 * id), a key of that assignment's, so an assignment's submission holds exactly the work done for it,
 * with the numbers it draws, and work in the chapters stays apart.
 */
export function entryKey(id: string, scope?: string): string {
  return scope ? `${ASSIGNMENT_PREFIX}${scope}/${id}` : PREFIX + id;
}

/** One stored entry, or null when absent or invalid (an invalid one is left where it is, untouched). */
export function readEntry(store: KeyValueStore, id: string, scope?: string): ProgressEntry | null {
  let raw: string | null;
  try {
    raw = store.getItem(entryKey(id, scope));
  } catch {
    return null;
  }
  if (raw === null || raw.length > 2 * MAX_ATTEMPTS * MAX_ANSWER_CHARS) return null;
  try {
    const parsed = EntrySchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Writes an entry; false when the browser refused (storage full or disabled). */
export function writeEntry(store: KeyValueStore, id: string, entry: ProgressEntry, scope?: string): boolean {
  try {
    store.setItem(entryKey(id, scope), JSON.stringify(EntrySchema.parse(entry)));
    return true;
  } catch {
    return false;
  }
}

/** Adds an attempt (keeping the last MAX_ATTEMPTS) and marks the exercise solved on a right one. */
export function withAttempt(entry: ProgressEntry, attempt: Attempt): ProgressEntry {
  const attempts = [...entry.attempts, { ...attempt, answer: attempt.answer.slice(0, MAX_ANSWER_CHARS) }].slice(-MAX_ATTEMPTS);
  return { ...entry, attempts, solved: entry.solved || attempt.correct };
}

export function readStudent(store: KeyValueStore): string {
  try {
    const v = store.getItem(STUDENT_KEY);
    const parsed = StudentSchema.safeParse(v ?? '');
    return parsed.success ? parsed.data : '';
  } catch {
    return '';
  }
}

export function writeStudent(store: KeyValueStore, id: string): boolean {
  try {
    store.setItem(STUDENT_KEY, id.trim().slice(0, 80));
    return true;
  } catch {
    return false;
  }
}

/** Every valid stored entry, and the ids of the entries that failed validation. */
export function readAll(store: KeyValueStore, known: (id: string) => boolean, scope?: string): { entries: Record<string, ProgressEntry>; invalid: string[] } {
  const entries: Record<string, ProgressEntry> = {};
  const invalid: string[] = [];
  const keys: string[] = [];
  const prefix = entryKey('', scope);
  for (let i = 0; i < store.length; i++) {
    const k = store.key(i);
    if (k?.startsWith(prefix)) keys.push(k);
  }
  for (const k of keys) {
    const id = k.slice(prefix.length);
    if (!known(id)) continue; // an exercise this version of the book no longer has
    const e = readEntry(store, id, scope);
    if (e) entries[id] = e;
    else invalid.push(id);
  }
  return { entries, invalid };
}

export function exportProgress(store: KeyValueStore, known: (id: string) => boolean, now = new Date()): ProgressFile {
  return {
    format: FILE_FORMAT,
    version: PROGRESS_VERSION,
    exportedAt: now.toISOString(),
    student: readStudent(store),
    exercises: readAll(store, known).entries,
  };
}

export type ImportResult = { ok: true; imported: number; unknown: number; student: string } | { ok: false; message: string };

/** Where a zod check failed, as a message can quote it ("exercises.3.answer"), or 'the top level'. */
export function invalidAt(error: { issues: readonly { path: readonly PropertyKey[] }[] }, max = 60): string {
  return error.issues[0]?.path.map(String).join('.').slice(0, max) || 'the top level';
}

/** Reads an uploaded file's text (already size-checked by the caller with MAX_FILE_BYTES) and validates it. */
export function parseProgressFile(text: string): { ok: true; file: ProgressFile } | { ok: false; message: string } {
  if (text.length > MAX_FILE_BYTES)
    return { ok: false, message: `This file is larger than ${MAX_FILE_BYTES / 1e6} MB; a DiT Lab progress file is a few kilobytes.` };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, message: 'This file is not a DiT Lab progress file: it is not valid JSON (it may be cut short or from another program).' };
  }
  if (
    typeof json === 'object' &&
    json !== null &&
    'format' in json &&
    (json as { format: unknown }).format === FILE_FORMAT &&
    'version' in json &&
    (json as { version: unknown }).version !== PROGRESS_VERSION
  )
    return {
      ok: false,
      message: `This progress file has version ${String((json as { version: unknown }).version).slice(0, 10)}; this page reads version ${PROGRESS_VERSION}.`,
    };
  const parsed = FileSchema.safeParse(json);
  if (!parsed.success) {
    const where = invalidAt(parsed.error, 80);
    return { ok: false, message: `This file is not a valid DiT Lab progress file (the problem is at ${where}). Nothing was imported.` };
  }
  return { ok: true, file: parsed.data };
}

/** Merges one stored entry with an imported one: nothing already stored is lost. */
export function mergeEntries(a: ProgressEntry | null, b: ProgressEntry): ProgressEntry {
  if (!a) return b;
  const seen = new Set<string>();
  const attempts = [...a.attempts, ...b.attempts]
    .filter((x) => {
      const k = `${x.at}\u0000${x.answer}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    })
    .sort((x, y) => x.at - y.at)
    .slice(-MAX_ATTEMPTS);
  return {
    attempts,
    solved: a.solved || b.solved,
    hintsShown: Math.max(a.hintsShown, b.hintsShown),
    solutionShown: a.solutionShown || b.solutionShown,
    firstAt: Math.min(a.firstAt, b.firstAt),
  };
}

/** Imports a validated file into the store: known exercises merged, unknown ones counted and skipped. */
export function importProgress(store: KeyValueStore, file: ProgressFile, known: (id: string) => boolean): ImportResult {
  let imported = 0;
  let unknown = 0;
  for (const [id, entry] of Object.entries(file.exercises)) {
    if (!known(id)) {
      unknown++;
      continue;
    }
    if (!writeEntry(store, id, mergeEntries(readEntry(store, id), entry)))
      return { ok: false, message: 'The browser refused to store the progress (storage full or disabled). What was stored before is unchanged.' };
    imported++;
  }
  if (file.student && !readStudent(store)) writeStudent(store, file.student);
  return { ok: true, imported, unknown, student: file.student };
}
