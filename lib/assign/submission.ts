/**
 * What a student hands in: a file with their raw answers to an assignment's exercises (every
 * attempt as typed, the hints and solutions they opened, the times), who they say they are, the
 * assignment's id and version, the app's version, and a SHA-256 checksum of all of that. The
 * teacher's page re-grades from the raw answers, so a score edited inside the file counts for
 * nothing; the checksum only tells a damaged or hand-edited file from an intact one. Nothing here
 * proves who made the file: the site has no accounts.
 */
import * as z from 'zod/mini';
import type { Assignment } from './assignment';
import { EntrySchema, type ProgressEntry } from '../exercises/progress';

export const SUBMISSION_FORMAT = 'dit-lab-submission';
export const SUBMISSION_VERSION = 1;

export interface Submission {
  format: typeof SUBMISSION_FORMAT;
  version: typeof SUBMISSION_VERSION;
  assignment: Pick<Assignment, 'id' | 'v' | 'title' | 'due' | 'exercises' | 'randomised'>;
  student: string;
  submittedAt: string;
  app: string;
  /** The student's stored progress on each of the assignment's exercises they opened. */
  entries: Record<string, ProgressEntry>;
  /** SHA-256 (hex) of the canonical JSON of every field above. */
  checksum: string;
}

/** What a submission file must be, checked field by field before anything in it is used. */
export const SubmissionSchema = z.object({
  format: z.literal(SUBMISSION_FORMAT),
  version: z.literal(SUBMISSION_VERSION),
  assignment: z.object({
    id: z.string().check(z.maxLength(40)),
    v: z.number(),
    title: z.string().check(z.maxLength(200)),
    due: z.string().check(z.maxLength(40)),
    exercises: z.array(z.string().check(z.maxLength(80))).check(z.maxLength(40)),
    randomised: z.optional(z.boolean()),
  }),
  student: z.string().check(z.maxLength(80)),
  submittedAt: z.string().check(z.maxLength(40)),
  app: z.string().check(z.maxLength(40)),
  entries: z.record(z.string().check(z.maxLength(80)), EntrySchema),
  checksum: z.string().check(z.regex(/^[0-9a-f]{64}$/)),
});

/** JSON with object keys sorted, so the same content always gives the same text (and checksum). */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v) ?? 'null';
}

export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

export async function buildSubmission(
  a: Assignment,
  student: string,
  entries: Record<string, ProgressEntry>,
  app: string,
  now = new Date(),
): Promise<Submission> {
  const body: Omit<Submission, 'checksum'> = {
    format: SUBMISSION_FORMAT,
    version: SUBMISSION_VERSION,
    // randomised only when set: a key holding undefined would vanish from the file and break the checksum.
    assignment: { id: a.id, v: a.v, title: a.title, due: a.due, exercises: a.exercises, ...(a.randomised === undefined ? {} : { randomised: a.randomised }) },
    student,
    submittedAt: now.toISOString(),
    app,
    entries: Object.fromEntries(a.exercises.filter((id) => entries[id]).map((id) => [id, entries[id]])),
  };
  return { ...body, checksum: await sha256Hex(canonicalJson(body)) };
}

/** True when the file's checksum matches its content (false: damaged or edited by hand). */
export async function checksumHolds(s: Submission): Promise<boolean> {
  const { checksum, ...body } = s;
  return (await sha256Hex(canonicalJson(body))) === checksum;
}

/** The receipt a student can show: the checksum's first 12 hex digits in groups of four. */
export function receipt(checksum: string): string {
  return checksum.slice(0, 12).replace(/(.{4})(?=.)/g, '$1-');
}

/** A file name from the student's id and the assignment's title: letters, digits and dashes only. */
export function submissionFileName(a: Assignment, student: string): string {
  const part = (s: string) =>
    s
      .normalize('NFKD')
      .replace(/[^\w-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'x';
  return `dit-lab-${part(a.title)}-${part(student)}.json`;
}

/** Whether a submission made at `when` is after the assignment's due date (the end of that day, UTC). */
export function isLate(a: Pick<Assignment, 'due'>, when: Date): boolean {
  return a.due !== '' && when.getTime() > Date.parse(`${a.due}T23:59:59.999Z`);
}
