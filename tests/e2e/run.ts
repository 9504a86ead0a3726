/**
 * End-to-end tests: serves the built site (out/) on a free localhost port, drives Debian Chromium
 * through playwright-core and runs every tests/e2e/*.spec.ts with node's own test runner (node:test),
 * in this process, so the summary at the end is node's.
 *
 *   npm run test:e2e          builds, then runs this file
 *   node --import tsx tests/e2e/run.ts    runs against the existing out/ (after npm run build)
 *
 * CHROMIUM_PATH overrides /usr/bin/chromium. Screenshots and page-weight.json go to artifacts/.
 * E2E_ONLY=name[,name...] runs only the spec files whose name contains one of them.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { after } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startSuite, stopSuite } from './harness';

const here = path.dirname(fileURLToPath(import.meta.url));
const started = performance.now();
await startSuite();
after(async () => {
  await stopSuite();
  console.log(`# e2e wall time ${((performance.now() - started) / 1000).toFixed(1)} s (server + browser start, all specs)`);
});

const only = process.env.E2E_ONLY?.split(',').filter(Boolean);
const specs = readdirSync(here)
  .filter((f) => f.endsWith('.spec.ts') && (!only || only.some((name) => f.includes(name))))
  .sort();
for (const spec of specs) await import(pathToFileURL(path.join(here, spec)).href);
