import { describe, expect, it } from 'vitest';
import { deflateSync, strToU8 } from 'fflate';
import { assignmentUrl, decodeAssignment, encodeAssignment, MAX_LINK_CHARS, newAssignmentId, payloadOf, type Assignment } from '@/lib/assign/assignment';
import { buildSubmission, checksumHolds, isLate, receipt, submissionFileName } from '@/lib/assign/submission';
import { EXERCISES, exerciseById } from '@/content/exercises';
import { emptyEntry, withAttempt } from '@/lib/exercises/progress';

const known = (id: string) => exerciseById(id) !== undefined;
const A: Assignment = {
  v: 1,
  id: 'abcd1234',
  title: 'Week 3 <b>',
  instructions: 'Do all.\nShow work.',
  due: '2027-01-15',
  exercises: ['image-weight-linear', 'why-shrink', 'code-patchify'],
};
const b64 = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');

describe('assignment links', () => {
  it('round-trip, and a 40-exercise assignment stays short', () => {
    expect(decodeAssignment(encodeAssignment(A), known)).toEqual({ ok: true, assignment: A });
    const big = { ...A, instructions: 'x'.repeat(300), exercises: EXERCISES.slice(0, 40).map((e) => e.id) };
    const url = assignmentUrl('https://example.org', big);
    expect(url.length).toBeLessThan(1200);
    expect(decodeAssignment(payloadOf(new URL(url).hash), known)).toEqual({ ok: true, assignment: big });
  });

  it('makes ids of eight letters and digits', () => {
    expect(newAssignmentId()).toMatch(/^[a-z0-9]{8}$/);
  });

  it.each([
    ['an empty hash', '', /holds no assignment/],
    ['a link that is too long', 'a'.repeat(MAX_LINK_CHARS + 1), /longer than/],
    ['characters a link never has', 'abc<script>', /damaged/],
    ['a cut link', encodeAssignment(A).slice(0, 30), /damaged or cut short/],
    ['a deflate bomb', b64(deflateSync(new Uint8Array(2_000_000))), /damaged or cut short/],
    ['not JSON', b64(deflateSync(strToU8('{"v":1,'))), /damaged or cut short/],
    ['a newer format', b64(deflateSync(strToU8(JSON.stringify({ ...A, v: 7 })))), /newer version/],
    ['a field of the wrong type', b64(deflateSync(strToU8(JSON.stringify({ ...A, exercises: 'all' })))), /not valid \(the problem is at exercises\)/],
    ['an overlong title', b64(deflateSync(strToU8(JSON.stringify({ ...A, title: 'x'.repeat(500) })))), /not valid/],
    ['an unknown exercise', b64(deflateSync(strToU8(JSON.stringify({ ...A, exercises: ['why-shrink', 'no-such-thing'] })))), /does not have: no-such-thing/],
  ])('refuses %s with a sentence', (_what, payload, why) => {
    const r = decodeAssignment(payload, known);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).toMatch(why);
  });
});

describe('submission files', () => {
  const entries = { 'why-shrink': withAttempt(emptyEntry(1000), { at: 2000, answer: '0', correct: true }), 'not-assigned': emptyEntry(5) };

  it('hold the assigned exercises only, with a checksum that catches an edit', async () => {
    const s = await buildSubmission(A, 'ada', entries, '0.1.0', new Date('2027-01-10T10:00:00Z'));
    expect(Object.keys(s.entries)).toEqual(['why-shrink']);
    expect(await checksumHolds(s)).toBe(true);
    const edited = { ...s, entries: { ...s.entries, 'why-shrink': { ...s.entries['why-shrink'], solved: false } } };
    expect(await checksumHolds(edited)).toBe(false);
    expect(receipt(s.checksum)).toMatch(/^[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}$/);
  });

  it('knows late from on time and makes safe file names', () => {
    expect(isLate(A, new Date('2027-01-15T23:00:00Z'))).toBe(false);
    expect(isLate(A, new Date('2027-01-16T00:00:01Z'))).toBe(true);
    expect(isLate({ due: '' }, new Date())).toBe(false);
    expect(submissionFileName(A, '../../etc/<img src=x>')).toBe('dit-lab-Week-3-b-etc-img-src-x.json');
  });
});
