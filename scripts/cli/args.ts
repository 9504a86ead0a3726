/** A small argv parser for the CLI: positionals, `--key value`, `--key=value` and bare `--flag`. */
export interface ParsedArgs {
  positional: string[];
  options: Record<string, string | true>;
}

export function parseArgs(argv: string[]): ParsedArgs {
  const positional: string[] = [];
  const options: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      if (eq > 0) options[a.slice(2, eq)] = a.slice(eq + 1);
      else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) options[a.slice(2)] = argv[++i];
      else options[a.slice(2)] = true;
    } else positional.push(a);
  }
  return { positional, options };
}

export class UsageError extends Error {}

export function intOption(o: ParsedArgs['options'], key: string, fallback?: number): number {
  const v = o[key];
  if (v === undefined) {
    if (fallback === undefined) throw new UsageError(`missing --${key}`);
    return fallback;
  }
  const n = Number(v);
  if (v === true || !Number.isFinite(n)) throw new UsageError(`--${key} needs a number (got ${String(v)})`);
  return n;
}

/** Fails on options the command does not know, so a typo never silently falls back to a default. */
export function checkKnown(o: ParsedArgs['options'], known: string[]): void {
  const bad = Object.keys(o).filter((k) => !known.includes(k));
  if (bad.length) throw new UsageError(`unknown option(s): ${bad.map((b) => `--${b}`).join(', ')}`);
}
