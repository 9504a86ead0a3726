/**
 * Running a reader's code: a cell (its outputs), or a code exercise (its function against the
 * exercise's cases, each expected result computed by the project's lib code). Used by the sandbox
 * worker, where the code cannot reach the page, the network or storage, and by the unit tests.
 *
 * The code runs as the body of a function in strict mode with the API's names in scope. What the
 * comparison needs (Math, Number, Array) is captured when this module loads, before any reader code
 * runs, so code that overwrites a global cannot make a wrong answer pass.
 */
import type { CodeExercise, CodeValue, Params } from '../exercises/types';
import { OutputCollector, formatValue } from './outputs';
import { OUTPUT_LIMITS, type CaseResult, type OutputItem } from './protocol';

const { abs, max } = Math;
const isFiniteNumber = Number.isFinite;
const isArray = Array.isArray;
const arrayFrom = Array.from;
const FunctionCtor = Function;
const AsyncFunctionCtor = Object.getPrototypeOf(async () => undefined).constructor as FunctionConstructor;

/** The lines the wrapper adds before the reader's code (error line numbers are shifted back by this). */
const PREAMBLE_LINES = 2;

/** Compiles `code` with the given names in scope; returns a function of those values (async: a cell may await). */
function compile(code: string, names: string[], epilogue = '', async = false): (...values: unknown[]) => unknown {
  if (code.length > OUTPUT_LIMITS.codeChars) throw new Error(`the code is longer than ${OUTPUT_LIMITS.codeChars} characters`);
  const body = `"use strict";\n/* reader code */\n${code}\n;${epilogue}`;
  return new (async ? AsyncFunctionCtor : FunctionCtor)(...names, body) as (...values: unknown[]) => unknown;
}

/** An error as one line, with the line number in the reader's code when the engine gives one. */
export function describeError(e: unknown): string {
  const err = e instanceof Error ? e : new Error(String(e));
  const m = /<anonymous>:(\d+):(\d+)/.exec(err.stack ?? '');
  // new Function adds two lines of its own ("function anonymous(...", ") {") before the body.
  const line = m ? Number(m[1]) - PREAMBLE_LINES - 2 : null;
  const where = line !== null && line > 0 ? ` (line ${line})` : '';
  return `${err.name}: ${err.message}${where}`.slice(0, 500);
}

/** Runs a cell; the API's members become names in scope (print, show, schedule, tf, ...); it may `await`. */
export async function runCell(code: string, api: Record<string, unknown>, out: OutputCollector): Promise<{ outputs: OutputItem[]; error: string | null }> {
  const names = Object.keys(api);
  let error: string | null = null;
  try {
    const result = await compile(code, names, '', true)(...names.map((n) => api[n]));
    if (result !== undefined) out.print(result);
  } catch (e) {
    error = describeError(e);
  }
  return { outputs: out.finish(), error };
}

function toValues(v: unknown, depth = 0): number[] | null {
  if (typeof v === 'number') return [v];
  if (v && typeof v === 'object' && typeof (v as { dataSync?: unknown }).dataSync === 'function')
    return arrayFrom((v as { dataSync(): ArrayLike<number> }).dataSync(), Number);
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return arrayFrom(v as unknown as ArrayLike<number>, Number);
  if (isArray(v) && depth < 2) {
    const flat: number[] = [];
    for (const x of v) {
      const inner = toValues(x, depth + 1);
      if (!inner) return null;
      for (const y of inner) flat.push(y);
    }
    return flat;
  }
  return null;
}

const copy = (v: CodeValue): CodeValue => (isArray(v) ? (v as (number | number[])[]).map((x) => (isArray(x) ? x.slice() : x)) : v) as CodeValue;

/** Compares a result with the expected one; null when it passes, else what is wrong. */
export function compareValues(got: unknown, expected: unknown, tol: { abs?: number; rel?: number }): string | null {
  const g = toValues(got);
  const e = toValues(expected);
  if (!e) throw new Error('the reference gave no numbers');
  if (!g) return `returned ${formatValue(got).slice(0, 80)}, not numbers`;
  if (g.length !== e.length) return `returned ${g.length} ${g.length === 1 ? 'value' : 'values'}, expected ${e.length}`;
  for (let i = 0; i < e.length; i++) {
    const allowed = max(tol.abs ?? 0, (tol.rel ?? 0) * abs(e[i])) * (1 + 1e-9) + 1e-12;
    if (!isFiniteNumber(g[i]) || abs(g[i] - e[i]) > allowed) {
      const at = e.length > 1 ? `value ${i + 1} of ${e.length}: ` : '';
      return `${at}expected ${formatValue(e[i])}, got ${formatValue(g[i])}`;
    }
  }
  return null;
}

/**
 * Runs a code exercise: the reader's code must define `ex.fn`; each case calls it with copies of the
 * arguments and compares with the reference. The reader's code sees only `scope` (a small API).
 */
export function runCodeExercise<P extends Params>(
  ex: CodeExercise<P>,
  params: P,
  code: string,
  reference: (...args: CodeValue[]) => unknown,
  scope: Record<string, unknown>,
  out: OutputCollector,
): { cases: CaseResult[]; outputs: OutputItem[]; error: string | null } {
  const names = Object.keys(scope);
  // Every expected result is computed before any reader code runs, so code that tampers with globals
  // (Math, Array.prototype, tfjs) cannot change the references.
  const planned = ex.cases(params).map((c) => ({ ...c, expected: reference(...c.args.map(copy)) }));
  let fn: unknown;
  try {
    fn = compile(code, names, `return typeof ${ex.fn} === "function" ? ${ex.fn} : undefined;`)(...names.map((n) => scope[n]));
  } catch (e) {
    return { cases: [], outputs: out.finish(), error: describeError(e) };
  }
  if (typeof fn !== 'function') return { cases: [], outputs: out.finish(), error: `The code does not define a function named ${ex.fn}.` };
  const cases: CaseResult[] = [];
  for (const c of planned) {
    let message: string | null;
    try {
      message = compareValues((fn as (...a: CodeValue[]) => unknown)(...c.args.map(copy)), c.expected, ex.tolerance);
    } catch (e) {
      message = `threw ${describeError(e)}`;
    }
    cases.push({ name: c.name, passed: message === null, message: message ?? 'passed' });
  }
  return { cases, outputs: out.finish(), error: null };
}
