/**
 * An assignment, as a teacher hands it out: which exercises, in which order, with a title,
 * instructions and a due date. It travels entirely inside a link (/assignment/#a=...): the JSON,
 * deflated and written in base64url, so a site with no server can still host a course. A link is
 * hostile until read here: its length is capped before decoding, the inflated size is capped (a
 * crafted link cannot expand into gigabytes), and the schema (zod) checks every field and length;
 * exercise ids this version of the book does not have are refused by name.
 */
import * as z from 'zod/mini';
import { deflateSync, inflateSync, strFromU8, strToU8 } from 'fflate';
import { invalidAt } from '../exercises/progress';

export const ASSIGNMENT_VERSION = 1;
/** The longest link payload read at all; a 40-exercise assignment is well under it. */
export const MAX_LINK_CHARS = 6_000;
const MAX_JSON_BYTES = 20_000;

const Schema = z.object({
  v: z.literal(ASSIGNMENT_VERSION),
  id: z.string().check(z.regex(/^[a-z0-9]{8}$/)),
  title: z.string().check(z.minLength(1), z.maxLength(120)),
  instructions: z.string().check(z.maxLength(2_000)),
  /** The due date as YYYY-MM-DD, or '' for none. */
  due: z.string().check(z.regex(/^(\d{4}-\d{2}-\d{2})?$/)),
  /** Exercises in order: ids of content/exercises. */
  exercises: z.array(z.string().check(z.regex(/^[a-z0-9][a-z0-9-]{0,79}$/))).check(z.minLength(1), z.maxLength(40)),
  /**
   * false: every student gets the same numbers (the book's default draw), so answers can be compared
   * across the class; absent or true: each student's numbers are drawn from their id.
   */
  randomised: z.optional(z.boolean()),
});
export type Assignment = z.infer<typeof Schema>;

function toBase64Url(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  try {
    const s = atob(text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4));
    return Uint8Array.from(s, (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

/** The id an assignment's numbers are drawn from for one student: theirs, or '' (the same for all). */
export function paramSeed(a: Pick<Assignment, 'randomised'>, student: string): string {
  return a.randomised === false ? '' : student;
}

/** A fresh assignment id: 8 lower-case letters and digits. */
export function newAssignmentId(random: () => number = Math.random): string {
  const abc = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from({ length: 8 }, () => abc[Math.floor(random() * abc.length)]).join('');
}

export function encodeAssignment(a: Assignment): string {
  return toBase64Url(deflateSync(strToU8(JSON.stringify(Schema.parse(a))), { level: 9 }));
}

export type ReadAssignment = { ok: true; assignment: Assignment } | { ok: false; message: string };

/** Reads a link's payload; every way it can be wrong gives a sentence for the page. */
export function decodeAssignment(payload: string, known: (id: string) => boolean): ReadAssignment {
  if (payload.length === 0) return { ok: false, message: 'This address holds no assignment: ask your teacher for the full link.' };
  if (payload.length > MAX_LINK_CHARS)
    return {
      ok: false,
      message: `This assignment link is longer than ${MAX_LINK_CHARS} characters, longer than any this page makes; it may have been altered.`,
    };
  const bytes = fromBase64Url(payload);
  if (!bytes) return { ok: false, message: 'This assignment link is damaged (it has characters a DiT Lab link never has); copy it again from your teacher.' };
  let json: string;
  try {
    // A bomb stops here: inflating into a buffer of MAX_JSON_BYTES fails when the data is larger.
    const out = inflateSync(bytes, { out: new Uint8Array(MAX_JSON_BYTES) });
    if (out.length >= MAX_JSON_BYTES) throw new Error('too large');
    json = strFromU8(out);
  } catch {
    return { ok: false, message: 'This assignment link is damaged or cut short; copy it again from your teacher.' };
  }
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch {
    return { ok: false, message: 'This assignment link is damaged or cut short; copy it again from your teacher.' };
  }
  if (typeof data === 'object' && data !== null && 'v' in data && (data as { v: unknown }).v !== ASSIGNMENT_VERSION)
    return {
      ok: false,
      message: `This assignment was made by a newer version of DiT Lab (format ${String((data as { v: unknown }).v).slice(0, 8)}); this page reads format ${ASSIGNMENT_VERSION}.`,
    };
  const parsed = Schema.safeParse(data);
  if (!parsed.success) {
    const where = invalidAt(parsed.error, 40);
    return { ok: false, message: `This assignment link is not valid (the problem is at ${where}); ask your teacher for a new one.` };
  }
  if (new Set(parsed.data.exercises).size !== parsed.data.exercises.length)
    return { ok: false, message: 'This assignment link names one exercise twice, which this page never does; it may have been altered.' };
  const unknown = parsed.data.exercises.filter((id) => !known(id));
  if (unknown.length > 0)
    return {
      ok: false,
      message: `This assignment names exercises this version of DiT Lab does not have: ${unknown.slice(0, 5).join(', ')}${unknown.length > 5 ? ', …' : ''}.`,
    };
  return { ok: true, assignment: parsed.data };
}

/** The student's link for an assignment, on this site. */
export function assignmentUrl(origin: string, a: Assignment): string {
  return `${origin}/assignment/#a=${encodeAssignment(a)}`;
}

/** The payload of an address's hash (#a=...), or '' when there is none. */
export function payloadOf(hash: string): string {
  const m = /(?:^#|&)a=([^&]*)/.exec(hash);
  return m ? m[1] : '';
}
