import type { ParsedArgs } from './args';

/** One CLI command. `run` returns the JSON-serialisable result the CLI prints (or nothing). */
export interface Command {
  name: string;
  summary: string;
  usage: string;
  run(args: ParsedArgs): unknown | Promise<unknown>;
}
