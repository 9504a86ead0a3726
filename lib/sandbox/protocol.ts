/**
 * Messages between a page and the sandbox worker (lib/worker/sandbox.worker.ts), which runs code a
 * reader typed: a notebook cell, or a code exercise against its test cases. One worker runs one
 * request and is then thrown away; the page kills it at the time limit. Everything the worker sends
 * back is data (text, numbers), never markup: the page renders it as text, tables, canvases and SVG.
 */

/** models: the cell calls sample, encode or decode, so the worker loads the shipped DiT and VAE first. */
export type SandboxRequest = { type: 'cell'; code: string; models: boolean } | { type: 'exercise'; code: string; exercise: string; student: string };

/** Whether a cell's code uses the shipped models (sample, encode, decode): then they load before it runs. */
export function cellNeedsModels(code: string): boolean {
  return /\b(sample|encode|decode)\s*\(/.test(code);
}

/** What a cell shows, in order. Sizes are capped in the worker (OUTPUT_LIMITS). */
export type OutputItem =
  | { kind: 'text'; text: string }
  | { kind: 'table'; columns: string[]; rows: string[][] }
  | { kind: 'image'; width: number; height: number; values: number[]; label: string }
  | { kind: 'plot'; title: string; series: { label: string; x: number[]; y: number[] }[]; logY: boolean };

export interface CaseResult {
  name: string;
  passed: boolean;
  /** What went wrong, in words: expected against got, or the error thrown. */
  message: string;
}

/**
 * Whether a code exercise's run is right: it ran without an error and every case (at least one)
 * passed. One rule for the student's check and the teacher's re-grade; `failure` says what failed.
 */
export function codeVerdict(r: { cases: readonly CaseResult[]; error: string | null }): { passed: boolean; failure: string | null } {
  const bad = r.cases.find((c) => !c.passed);
  return { passed: !r.error && r.cases.length > 0 && !bad, failure: r.error ?? (bad ? `${bad.name}: ${bad.message}` : null) };
}

export type SandboxResponse =
  | { type: 'ready' }
  | { type: 'done'; outputs: OutputItem[]; error: string | null; ms: number }
  | { type: 'tested'; cases: CaseResult[]; outputs: OutputItem[]; error: string | null; ms: number };

export const OUTPUT_LIMITS = {
  items: 100,
  textChars: 20_000,
  tableRows: 200,
  tableColumns: 20,
  imageSide: 128,
  plotSeries: 6,
  plotPoints: 2_000,
  codeChars: 20_000,
} as const;

/** How long one run may take before the page stops the worker. */
export const TIME_LIMIT_MS = { cell: 5_000, cellWithModels: 60_000, exercise: 3_000 } as const;
