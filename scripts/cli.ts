/**
 * DiT Lab command line: `npm run cli -- <command> [args]`. Each command prints one JSON object on
 * stdout; errors go to stderr with a non-zero exit code.
 *
 * To add a command: write scripts/cli/<name>.ts exporting a `Command` (scripts/cli/types.ts) and add
 * it to COMMANDS below.
 */
import { parseArgs, UsageError } from './cli/args';
import type { Command } from './cli/types';
import { flopsCommand } from './cli/flops';
import { presetsCommand } from './cli/presets';
import { trainCommand } from './train/dit-cli';
import { sampleCommand } from './sample';
import { evalCommand } from './eval';

export const COMMANDS: Command[] = [flopsCommand, presetsCommand, trainCommand, sampleCommand, evalCommand];

function help(): string {
  const lines = ['usage: npm run cli -- <command> [args]', '', 'commands:'];
  for (const c of COMMANDS) lines.push(`  ${c.name.padEnd(10)} ${c.summary}`, ...c.usage.split('\n').map((u) => `      ${u.trim()}`));
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    console.log(help());
    return name ? 0 : 1;
  }
  const cmd = COMMANDS.find((c) => c.name === name);
  if (!cmd) {
    console.error(`unknown command '${name}'\n\n${help()}`);
    return 2;
  }
  try {
    const result = await cmd.run(parseArgs(rest));
    if (result !== undefined) console.log(JSON.stringify(result, null, 2));
    return 0;
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    console.error(`${name}: ${msg}${e instanceof UsageError ? `\nusage: ${cmd.usage}` : ''}`);
    return 2;
  }
}

// Run when executed directly (npm run cli: node --import tsx scripts/cli.ts), not when imported by a test.
if (process.argv[1] && /cli\.ts$/.test(process.argv[1])) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
