import { describe, it, expect, vi, afterEach } from 'vitest';
import { main } from '@/scripts/cli';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((s: string) => {
    out.push(s);
  });
  vi.spyOn(console, 'error').mockImplementation((s: string) => {
    err.push(s);
  });
  return { out, err };
}
afterEach(() => {
  vi.restoreAllMocks();
});

describe('cli flops', () => {
  it('prints one JSON object with gflops and params for a preset', async () => {
    const io = capture();
    expect(await main(['flops', 'DiT-XL/2'])).toBe(0);
    const r = JSON.parse(io.out.join('\n'));
    expect(Math.abs(r.gflops / 118.64 - 1)).toBeLessThan(0.01);
    expect(Math.abs(r.params / 675e6 - 1)).toBeLessThan(0.01);
  });

  it('accepts an explicit configuration and a conditioning kind', async () => {
    const io = capture();
    expect(
      await main([
        'flops',
        '--input',
        '32',
        '--channels',
        '4',
        '--patch',
        '2',
        '--hidden',
        '1152',
        '--depth',
        '28',
        '--heads',
        '16',
        '--conditioning',
        'cross-attention',
      ]),
    ).toBe(0);
    const r = JSON.parse(io.out.join('\n'));
    expect(Math.abs(r.gflops / 137.62 - 1)).toBeLessThan(0.01);
    expect(Math.abs(r.params / 598e6 - 1)).toBeLessThan(0.01);
  });

  it('the paper table stays within 1% everywhere', async () => {
    const io = capture();
    expect(await main(['flops', '--paper'])).toBe(0);
    const r = JSON.parse(io.out.join('\n'));
    expect(r.rows).toHaveLength(16);
    expect(r.maxGflopsErrorPct).toBeLessThan(1);
    expect(r.maxParamsErrorPct).toBeLessThan(1);
  });

  it('fails with a message on bad input', async () => {
    const io = capture();
    expect(await main(['flops', '--input', '8', '--channels', '4', '--patch', '3', '--hidden', '64', '--depth', '2', '--heads', '2'])).toBe(2);
    expect(await main(['flops', '--input', '8', '--chanels', '4'])).toBe(2);
    expect(await main(['flops', 'DiT-Q/2'])).toBe(2);
    expect(await main(['nope'])).toBe(2);
    expect(io.err.join('\n')).toMatch(
      /not divisible by patchSize 3[\s\S]*unknown option\(s\): --chanels[\s\S]*unknown DiT preset[\s\S]*unknown command 'nope'/,
    );
  });
});
