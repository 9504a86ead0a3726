/**
 * Checking an answer. Numbers are read leniently (a unicode minus, thin spaces and thousands
 * separators, 1e-3, a fraction 3/4, a trailing percent sign or the exercise's unit) and compared
 * with a tolerance; a choice is right when the picked option is the correct one.
 */
import type { ChoiceExercise, Exercise, NumericExercise, Params, WidgetState } from './types';

export interface Verdict {
  correct: boolean;
  /** What to tell the student, in words. */
  message: string;
}

/** The longest answer text that is read at all (anything longer is refused, not parsed). */
export const MAX_ANSWER_LENGTH = 200;

/** The longest answer stored with an attempt: long enough for a code exercise's code. */
export const MAX_ANSWER_CHARS = 4000;

/** The number a student typed, or null with the reason it could not be read. */
export function parseNumber(raw: string, unit?: string): { value: number } | { error: string } {
  if (raw.length > MAX_ANSWER_LENGTH) return { error: `That answer is longer than ${MAX_ANSWER_LENGTH} characters.` };
  let s = raw
    .trim()
    .replace(/[\u2212\u2013]/g, '-')
    .replace(/[\s\u00a0\u2009\u202f]/g, '');
  if (unit) {
    const u = unit.replace(/\s/g, '').toLowerCase();
    if (s.toLowerCase().endsWith(u)) s = s.slice(0, s.length - u.length);
  }
  let scale = 1;
  if (s.endsWith('%')) {
    scale = 0.01;
    s = s.slice(0, -1);
  }
  if (/^[-+]?\d{1,3}(,\d{3})+(\.\d+)?$/.test(s)) s = s.replace(/,/g, '');
  if (s === '') return { error: 'Type a number first.' };
  const num = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;
  const frac = /^([-+]?(?:\d+\.?\d*|\.\d+))\/((?:\d+\.?\d*|\.\d+))$/;
  if (num.test(s)) return { value: Number(s) * scale };
  const f = frac.exec(s);
  if (f && Number(f[2]) !== 0) return { value: (Number(f[1]) / Number(f[2])) * scale };
  return { error: `“${raw.trim().slice(0, 40)}” is not a number this page can read: write it like 0.25, 1/4, 2.5e-3 or 25%.` };
}

export function withinTolerance(x: number, answer: number, tol: { abs?: number; rel?: number }): boolean {
  const allowed = Math.max(tol.abs ?? 0, (tol.rel ?? 0) * Math.abs(answer));
  return Math.abs(x - answer) <= allowed * (1 + 1e-12) + 1e-15;
}

export function checkNumeric<P extends Params>(ex: NumericExercise<P>, p: P, raw: string): Verdict {
  const read = parseNumber(raw, ex.unit);
  if ('error' in read) return { correct: false, message: read.error };
  const answer = ex.answer(p);
  if (withinTolerance(read.value, answer, ex.tolerance)) return { correct: true, message: 'Right.' };
  const side = read.value > answer ? 'too large' : 'too small';
  return { correct: false, message: `Not yet: ${formatNumber(read.value)} is ${side}.` };
}

export function checkChoice<P extends Params>(ex: ChoiceExercise<P>, picked: number): Verdict {
  const option = ex.options[picked];
  if (!option) return { correct: false, message: 'Pick one of the options first.' };
  return { correct: option.correct, message: option.why };
}

/** Any exercise against a raw answer: the text typed, the option index as a string, or a widget's reported setting as JSON. */
export function checkAnswer<P extends Params>(ex: Exercise<P>, p: P, raw: string): Verdict {
  switch (ex.kind) {
    case 'numeric':
      return checkNumeric(ex, p, raw);
    case 'choice':
    case 'formula':
      return checkChoice(ex, /^\d{1,2}$/.test(raw) ? Number(raw) : -1);
    case 'widget': {
      let state: unknown;
      try {
        state = raw.length <= MAX_ANSWER_LENGTH * 5 ? JSON.parse(raw) : null;
      } catch {
        state = null;
      }
      if (!state || typeof state !== 'object' || Array.isArray(state)) return { correct: false, message: 'The widget has not reported a setting yet.' };
      return ex.check(state as WidgetState, p);
    }
    case 'code':
      // Code is checked by running it in the sandbox worker (lib/sandbox/execute.ts), never here.
      return { correct: false, message: 'Run the tests to check code.' };
  }
}

/** A number as the feedback writes it: up to 4 significant digits, no trailing zeros. */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x !== 0 && (Math.abs(x) >= 1e6 || Math.abs(x) < 1e-3)) return x.toExponential(3).replace(/\.?0+e/, 'e');
  return String(Number(x.toPrecision(4)));
}
