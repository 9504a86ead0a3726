import { describe, expect, it } from 'vitest';
import {
  emptyEntry,
  exportProgress,
  importProgress,
  MAX_ATTEMPTS,
  MAX_FILE_BYTES,
  parseProgressFile,
  readAll,
  readEntry,
  readStudent,
  withAttempt,
  writeEntry,
  writeStudent,
  type KeyValueStore,
} from '@/lib/exercises/progress';

function memoryStore(): KeyValueStore & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return {
    map,
    getItem: (k) => map.get(k) ?? null,
    setItem: (k, v) => void map.set(k, v),
    removeItem: (k) => void map.delete(k),
    key: (i) => [...map.keys()][i] ?? null,
    get length() {
      return map.size;
    },
  };
}
const known = (id: string) => ['a', 'b', 'c'].includes(id);

describe('stored progress', () => {
  it('round-trips an entry and keeps only the last attempts', () => {
    const s = memoryStore();
    let e = emptyEntry(1000);
    for (let i = 0; i < MAX_ATTEMPTS + 5; i++) e = withAttempt(e, { at: 1000 + i, answer: String(i), correct: i === 3 });
    expect(e.attempts).toHaveLength(MAX_ATTEMPTS);
    expect(e.solved).toBe(true);
    expect(writeEntry(s, 'a', e)).toBe(true);
    expect(readEntry(s, 'a')).toEqual(e);
  });

  it('a corrupt entry loses only itself', () => {
    const s = memoryStore();
    writeEntry(s, 'a', withAttempt(emptyEntry(1), { at: 2, answer: '1', correct: true }));
    s.setItem('dit-lab/progress/v1/b', '{"attempts": "oops"');
    s.setItem('dit-lab/progress/v1/c', JSON.stringify({ ...emptyEntry(1), hintsShown: -4 }));
    const { entries, invalid } = readAll(s, known);
    expect(Object.keys(entries)).toEqual(['a']);
    expect(invalid.sort()).toEqual(['b', 'c']);
    expect(s.getItem('dit-lab/progress/v1/b')).toBe('{"attempts": "oops"'); // left in place, not deleted
  });

  it('keeps the student id short and plain', () => {
    const s = memoryStore();
    writeStudent(s, '  ada  ');
    expect(readStudent(s)).toBe('ada');
    s.setItem('dit-lab/student/v1', 'y'.repeat(500));
    expect(readStudent(s)).toBe('');
  });
});

describe('progress files', () => {
  it('export then import on a clean profile gives the same entries', () => {
    const a = memoryStore();
    writeStudent(a, 'ada');
    writeEntry(a, 'a', withAttempt(emptyEntry(5), { at: 6, answer: '0.5', correct: true }));
    const file = exportProgress(a, known, new Date(0));
    const parsed = parseProgressFile(JSON.stringify(file));
    expect(parsed.ok).toBe(true);
    const b = memoryStore();
    const r = importProgress(b, (parsed as { file: typeof file }).file, known);
    expect(r).toEqual({ ok: true, imported: 1, unknown: 0, student: 'ada' });
    expect(readAll(b, known).entries).toEqual(readAll(a, known).entries);
    expect(readStudent(b)).toBe('ada');
  });

  it('an import merges: nothing already stored is lost', () => {
    const s = memoryStore();
    writeEntry(s, 'a', { ...withAttempt(emptyEntry(5), { at: 6, answer: '1', correct: true }), hintsShown: 2 });
    const incoming = { ...withAttempt(emptyEntry(3), { at: 4, answer: '0', correct: false }), solutionShown: true };
    const file = { format: 'dit-lab-progress' as const, version: 1 as const, exportedAt: 'x', student: '', exercises: { a: incoming, zzz: incoming } };
    expect(importProgress(s, file, known)).toMatchObject({ ok: true, imported: 1, unknown: 1 });
    const e = readEntry(s, 'a')!;
    expect(e).toMatchObject({ solved: true, hintsShown: 2, solutionShown: true, firstAt: 3 });
    expect(e.attempts.map((x) => x.answer)).toEqual(['0', '1']);
  });

  it.each([
    ['truncated JSON', '{"format":"dit-lab-progress","version":1,"exercises":{'],
    ['another program', '{"hello": 1}'],
    ['a wrong type', JSON.stringify({ format: 'dit-lab-progress', version: 1, exportedAt: 'x', student: '', exercises: { a: { attempts: 5 } } })],
    [
      'a hostile id',
      JSON.stringify({ format: 'dit-lab-progress', version: 1, exportedAt: 'x', student: '', exercises: { '<img src=x onerror=alert(1)>': {} } }),
    ],
    ['an extra-long student', JSON.stringify({ format: 'dit-lab-progress', version: 1, exportedAt: 'x', student: 'x'.repeat(5000), exercises: {} })],
    ['a newer version', JSON.stringify({ format: 'dit-lab-progress', version: 9, exercises: {} })],
    ['too large', 'x'.repeat(MAX_FILE_BYTES + 1)],
  ])('refuses %s with a message', (_what, text) => {
    const r = parseProgressFile(text);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message.length).toBeGreaterThan(20);
  });
});
