/**
 * Debian's Chromium, headless, as the end-to-end tests and the browser bench start it (no browser is
 * downloaded: playwright-core drives the system one). CHROMIUM_PATH overrides /usr/bin/chromium.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--enable-unsafe-webgpu',
];

/** Starts Chromium with CHROMIUM_ARGS, or `args` when given. */
export function launchChromium(args: string[] = CHROMIUM_ARGS): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  if (!existsSync(executablePath)) throw new Error(`Chromium not found at ${executablePath} (set CHROMIUM_PATH or apt-get install chromium)`);
  return chromium.launch({ executablePath, args, headless: true });
}
