import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  resolve: { alias: { '@': fileURLToPath(new URL('./', import.meta.url)) } },
  test: {
    include: ['tests/unit/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    // beforeAll hooks load MNIST and start the wasm backend: seconds alone, more on a busy machine.
    hookTimeout: 120_000,
    pool: 'forks',
    // The test hooks (lib/test-hooks.ts) are on in the unit tests, as in the end-to-end build.
    env: { NEXT_PUBLIC_DIT_LAB_TEST_HOOKS: '1' },
  },
});
