import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { APP_VERSION } from '@/lib/app-version';

it('APP_VERSION is package.json version', () => {
  expect(APP_VERSION).toBe(JSON.parse(readFileSync('package.json', 'utf8')).version);
});
