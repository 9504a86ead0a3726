/**
 * Ctrl-C (SIGINT to the whole process group) during a training step that blocks the event loop must
 * end in a saved checkpoint, through the same launcher as `npm run cli`. tsx's own launcher fails this:
 * it relays the signal to its child, waits 30 ms for the child to acknowledge, and SIGKILLs it when a
 * long synchronous step keeps the child from answering, so the checkpoint was never written
 * (package.json runs the CLI as `node --import tsx` for that reason).
 */
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeCheckpoint } from '@/lib/train/checkpoint';

const FIXTURE = 'tests/unit/train/fixtures/slow-train.ts';

/** Runs the fixture with `launcher`, sends SIGINT to its process group during the third step. */
async function interrupt(launcher: string, dir: string): Promise<{ stderr: string; code: number | null }> {
  const p = spawn('sh', ['-c', `exec ${launcher} ${FIXTURE} ${dir}`], { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  let sent = false;
  p.stderr.on('data', (d) => {
    stderr += d;
    if (!sent && /slow \[.*\] 2\//.test(stderr)) {
      sent = true;
      // Land in the middle of step 3's 400 ms, not in the gap between steps.
      setTimeout(() => process.kill(-p.pid!, 'SIGINT'), 150);
    }
  });
  // If the run never reaches step 2 or ignores the signal, end it rather than leave it training.
  const guard = setTimeout(() => process.kill(-p.pid!, 'SIGKILL'), 45_000);
  const code = await new Promise<number | null>((resolve) => p.on('close', (c) => resolve(c)));
  clearTimeout(guard);
  return { stderr, code };
}

describe('interrupting a training run', () => {
  it('Ctrl-C during a blocking step saves a checkpoint with the npm run cli launcher', async () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };
    const launcher = pkg.scripts.cli.replace(/\s*scripts\/cli\.ts$/, '');
    expect(launcher).not.toBe(pkg.scripts.cli);
    const dir = mkdtempSync(join(tmpdir(), 'interrupt-'));
    try {
      const { stderr, code } = await interrupt(launcher, dir);
      expect(stderr).toContain('slow: SIGINT, saving a checkpoint and stopping');
      expect(code).toBe(0);
      const ckpt = join(dir, 'train.ckpt');
      expect(existsSync(ckpt)).toBe(true);
      const { meta } = decodeCheckpoint<{ step: number }>(new Uint8Array(readFileSync(ckpt)));
      expect(meta.step).toBeGreaterThanOrEqual(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
