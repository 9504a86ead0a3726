/**
 * The test-hook switch (lib/test-hooks.ts): without NEXT_PUBLIC_DIT_LAB_TEST_HOOKS=1 (the site
 * `npm start` builds) the model worker treats 'crash' as an unknown request and the client keeps no
 * copy of finished samples.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';

afterEach(() => {
  vi.unstubAllEnvs();
  vi.resetModules();
});

describe('test hooks switch', () => {
  it('off: no crash request, no record of the last samples', async () => {
    vi.stubEnv('NEXT_PUBLIC_DIT_LAB_TEST_HOOKS', '');
    vi.resetModules();
    const { TEST_HOOKS } = await import('@/lib/test-hooks');
    expect(TEST_HOOKS).toBe(false);
    const { ModelRuntime } = await import('@/lib/runtime/model-runtime');
    const posted: unknown[] = [];
    let crashed = false;
    const rt = new ModelRuntime({
      initBackend: async () => ({ backend: 'wasm', reason: 'test', fallbacks: [] }),
      loadModel: async () => {
        throw new Error('unused');
      },
      post: (m) => posted.push(m),
      yieldToEvents: async () => undefined,
      now: () => 0,
      memory: () => ({ numTensors: 0, numBytes: 0, backend: 'wasm' }),
      crash: () => {
        crashed = true;
      },
    });
    await rt.handle({ type: 'crash', id: 4 });
    expect(crashed).toBe(false);
    expect(posted).toEqual([{ type: 'error', id: 4, kind: 'request', message: "unknown request type 'crash'" }]);
  });

  it('on in the unit tests, as in the end-to-end build', async () => {
    const { TEST_HOOKS } = await import('@/lib/test-hooks');
    expect(TEST_HOOKS).toBe(true);
  });
});
