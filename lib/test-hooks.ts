/**
 * The one switch for test-only hooks: the model worker's 'crash' request, the client's record of the
 * last finished samples, and the window.__ditLabModel / __ditLabTrainer handles the end-to-end tests
 * drive. On only in a build made with NEXT_PUBLIC_DIT_LAB_TEST_HOOKS=1 (`npm run test:e2e` builds so)
 * and in the unit tests (vitest.config.ts); Next inlines the value at build time, so the site that
 * `npm start` builds leaves the hooks out.
 */
export const TEST_HOOKS = process.env.NEXT_PUBLIC_DIT_LAB_TEST_HOOKS === '1';
