/**
 * Page weight of the chapter-02 page as a reader's browser receives it (gzip from scripts/serve.mjs),
 * measured with the Chrome DevTools Protocol: bytes on the wire per resource type, written to
 * artifacts/page-weight.json. Also checks that the page loads no TensorFlow.js.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openPage, writeArtifact, withPage } from './harness';

const CHAPTER = '/chapters/diffusion-step-by-step/';
// A budget, not a target: the chapter page needs React, Next's runtime, d3 parts and two widgets.
const JS_BUDGET_GZIP = 350 * 1024;

test('page weight of chapter 02: JS transferred (gzip) within budget, no TensorFlow.js', async () => {
  await withPage(openPage(), async (s) => {
    const { page, context } = s;
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    const requests = new Map<string, { url: string; type: string; bytes?: number; encoding?: string }>();
    cdp.on('Network.responseReceived', (e) =>
      requests.set(e.requestId, {
        url: e.response.url,
        type: e.type,
        encoding: e.response.headers['content-encoding'] ?? e.response.headers['Content-Encoding'],
      }),
    );
    cdp.on('Network.loadingFinished', (e) => {
      const r = requests.get(e.requestId);
      if (r) r.bytes = e.encodedDataLength;
    });
    await s.goto(CHAPTER);
    await page.waitForSelector('[data-widget="forward-diffusion"][aria-busy="false"]');
    await page.waitForLoadState('networkidle');

    const done = [...requests.entries()].flatMap(([id, r]) => (r.bytes === undefined ? [] : [[id, { ...r, bytes: r.bytes }] as const]));
    const byType: Record<string, number> = {};
    for (const [, r] of done) byType[r.type] = (byType[r.type] ?? 0) + r.bytes;
    const scripts = done.filter(([, r]) => r.type === 'Script');
    const jsBytes = scripts.reduce((n, [, r]) => n + r.bytes, 0);
    assert.ok(scripts.length > 0, 'the page loads scripts');
    assert.ok(
      scripts.every(([, r]) => r.encoding === 'gzip'),
      'scripts arrive gzip-compressed',
    );

    let tfjs = false;
    for (const [id] of scripts) {
      const { body } = await cdp.send('Network.getResponseBody', { requestId: id });
      if (/tfjs-core|@tensorflow|registerBackend\(/.test(body)) tfjs = true;
    }
    assert.equal(tfjs, false, 'the chapter page must not load TensorFlow.js');

    const kb = (n: number) => Math.round((n / 1024) * 10) / 10;
    const report = {
      page: CHAPTER,
      measured: new Date().toISOString(),
      note: 'bytes on the wire (encodedDataLength, gzip, headers included), cache disabled, after the widgets loaded',
      jsTransferredKB: kb(jsBytes),
      jsFiles: scripts.length,
      totalTransferredKB: kb(done.reduce((n, [, r]) => n + r.bytes, 0)),
      byTypeKB: Object.fromEntries(Object.entries(byType).map(([k, v]) => [k, kb(v)])),
      scripts: scripts.map(([, r]) => ({ url: new URL(r.url).pathname, kB: kb(r.bytes) })).sort((a, b) => b.kB - a.kB),
      other: done
        .filter(([, r]) => r.type !== 'Script')
        .map(([, r]) => ({ url: new URL(r.url).pathname, type: r.type, kB: kb(r.bytes) }))
        .sort((a, b) => b.kB - a.kB),
    };
    writeArtifact('page-weight.json', report);
    console.log(`# page weight ${CHAPTER}: JS ${report.jsTransferredKB} kB gzip in ${report.jsFiles} files; everything ${report.totalTransferredKB} kB`);
    assert.ok(jsBytes < JS_BUDGET_GZIP, `JS ${kb(jsBytes)} kB exceeds the ${kb(JS_BUDGET_GZIP)} kB budget`);
  });
});
