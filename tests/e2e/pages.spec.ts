/** Every page renders: content, KaTeX without errors, navigation, no console errors or failed requests. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { builtChapters, DESKTOP, openPage, OUT_DIR, PHONE, VIEWPORTS, withPage } from './harness';

const chapters = builtChapters();

/** Checks that hold on every page: one h1, labelled controls, alt text, no sideways scrolling. */
async function basics(page: Page, viewport: { width: number; height: number }) {
  const report = await page.evaluate(() => {
    const unlabelled = [...document.querySelectorAll<HTMLInputElement>('input, select, textarea, button')]
      .filter((el) => el.type !== 'hidden')
      .filter(
        (el) =>
          !(el.labels && el.labels.length > 0) &&
          !el.getAttribute('aria-label') &&
          !el.getAttribute('aria-labelledby') &&
          !(el.tagName === 'BUTTON' && el.textContent?.trim()),
      )
      .map((el) => el.outerHTML.slice(0, 120));
    const noAlt = [...document.querySelectorAll('img')].filter((img) => !img.hasAttribute('alt')).map((img) => img.src);
    const canvasNoName = [...document.querySelectorAll('canvas')].filter(
      (c) => !c.getAttribute('aria-label') && c.getAttribute('aria-hidden') !== 'true',
    ).length;
    return {
      h1: document.querySelectorAll('h1').length,
      main: document.querySelectorAll('main').length,
      lang: document.documentElement.lang,
      unlabelled,
      noAlt,
      canvasNoName,
      scrollWidth: document.scrollingElement!.scrollWidth,
      title: document.title,
    };
  });
  assert.equal(report.h1, 1, 'exactly one h1');
  assert.equal(report.main, 1, 'exactly one main landmark');
  assert.equal(report.lang, 'en');
  assert.deepEqual(report.unlabelled, [], 'every control has a label');
  assert.deepEqual(report.noAlt, [], 'every image has alt text');
  assert.equal(report.canvasNoName, 0, 'every canvas has an aria-label');
  assert.ok(report.scrollWidth <= viewport.width, `page scrolls sideways: ${report.scrollWidth}px wide at ${viewport.width}px`);
  assert.ok(report.title.includes('DiT Lab'), `title "${report.title}" names the site`);
}

describe('pages', () => {
  test('home lists every chapter and links the written ones', async () => {
    await withPage(openPage(), async (s) => {
      const res = await s.goto('/');
      assert.equal(res?.status(), 200);
      await basics(s.page, DESKTOP);
      const cards = s.page.locator('.chapter-card');
      assert.equal(await cards.count(), 11);
      const links = await s.page.locator('.chapter-card a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      assert.deepEqual(links.sort(), chapters.map((c) => `/chapters/${c}/`).sort());
      const summaries = await s.page.locator('.chapter-card p').allInnerTexts();
      assert.ok(
        summaries.every((t) => t.length > 20),
        'every chapter has a one-line summary',
      );
    });
  });

  test('about page renders', async () => {
    await withPage(openPage(), async (s) => {
      assert.equal((await s.goto('/about/'))?.status(), 200);
      await basics(s.page, DESKTOP);
    });
  });

  test('an unknown path gets the 404 page', async () => {
    const s = await openPage({ allow: [/\/no-such-page\/$/, /404/] });
    try {
      const res = await s.goto('/no-such-page/');
      assert.equal(res?.status(), 404);
      assert.match(await s.page.locator('h1').innerText(), /Page not found/);
      assert.equal(await s.page.locator('main a[href="/#chapters"]').count(), 1, 'links back to the chapters');
    } finally {
      await s.close();
    }
  });

  for (const slug of chapters) {
    for (const [device, viewport] of VIEWPORTS) {
      test(`chapter ${slug} renders on ${device}: KaTeX without errors, outline, navigation`, async () => {
        await withPage(openPage({ viewport }), async (s) => {
          const res = await s.goto(`/chapters/${slug}/`);
          assert.equal(res?.status(), 200);
          await basics(s.page, viewport);
          const info = await s.page.evaluate(() => ({
            katex: document.querySelectorAll('.katex').length,
            katexErrors: [...document.querySelectorAll('.katex-error')].map((e) => e.getAttribute('title') ?? e.textContent),
            h2: document.querySelectorAll('article h2').length,
            eqNumbers: [...document.querySelectorAll('.eq .eq-num')].map((a) => a.textContent),
            eqrefs: [...document.querySelectorAll('a.eqref')].map((a) => ({ text: a.textContent ?? '', href: a.getAttribute('href') ?? '' })),
            headingIds: [...document.querySelectorAll('article h2, article h3')].map((h) => h.id),
            outline: [...document.querySelectorAll('nav[aria-label="On this page"] a, nav[aria-label="On this page (compact)"] a')].map(
              (a) => a.getAttribute('href') ?? '',
            ),
            currentToc: document.querySelectorAll('a[aria-current="page"]').length,
            pager: document.querySelectorAll('.pager a').length,
          }));
          assert.deepEqual(info.katexErrors, [], 'no KaTeX errors');
          assert.ok(info.h2 > 0, 'the chapter has sections');
          assert.ok(info.headingIds.every(Boolean), 'every section heading has an id');
          for (const href of new Set(info.outline)) assert.ok(info.headingIds.includes(href.slice(1)), `outline link ${href} reaches a heading`);
          assert.ok(info.currentToc >= 1, 'the table of contents marks the current chapter');
          if (chapters.length > 1) assert.ok(info.pager >= 1, 'previous/next links');
          for (const n of info.eqNumbers) assert.match(n, /^\(\d+\.\d+\)$/, `equation number ${n}`);
          for (const r of info.eqrefs) {
            assert.match(r.text, /^\(\d+\.\d+\)$/, `equation reference ${r.text}`);
            if (r.href.startsWith('#')) assert.equal(await s.page.locator(r.href).count(), 1, `${r.href} exists on the page`);
          }
          // Display maths scrolls inside its own box rather than widening the page (checked in basics).
        });
      });
    }
  }

  test('every link between chapters reaches a built page and, with #anchor, an element with that id', () => {
    const html = (slug: string) => readFileSync(path.join(OUT_DIR, 'chapters', slug, 'index.html'), 'utf8');
    const ids = new Map(chapters.map((slug) => [slug, new Set([...html(slug).matchAll(/ id="([^"]+)"/g)].map((m) => m[1]))]));
    const broken: string[] = [];
    let checked = 0;
    for (const slug of chapters) {
      for (const [, target, targetHash, localHash] of html(slug).matchAll(/href="(?:\/chapters\/([^/"#]+)\/(?:#([^"]*))?|#([^"]+))"/g)) {
        const page = target ?? slug;
        const hash = target ? targetHash : localHash;
        if (!ids.has(page)) {
          broken.push(`${slug} -> /chapters/${page}/ (no page)`);
          continue;
        }
        if (hash && !ids.get(page)?.has(decodeURIComponent(hash))) broken.push(`${slug} -> ${page}#${hash}`);
        checked++;
      }
    }
    assert.ok(checked > 10, `checked ${checked} links`);
    assert.deepEqual(broken, []);
  });

  test('nothing scrolls sideways at 360px, the narrowest phone we support', async () => {
    const narrow = { width: 360, height: 740 };
    await withPage(openPage({ viewport: narrow }), async (s) => {
      for (const path of ['/', '/about/', ...chapters.map((c) => `/chapters/${c}/`)]) {
        await s.goto(path);
        const width = await s.page.evaluate(() => document.scrollingElement!.scrollWidth);
        assert.ok(width <= narrow.width, `${path} is ${width}px wide at 360px`);
      }
    });
  });

  test('chapter table of contents collapses into a details menu on a phone', async () => {
    await withPage(openPage({ viewport: PHONE }), async (s) => {
      await s.goto(`/chapters/${chapters[0]}/`);
      assert.equal(await s.page.locator('nav.sidebar').first().isVisible(), false, 'desktop sidebar hidden');
      const summary = s.page.locator('details.mobile-toc summary');
      assert.ok(await summary.isVisible());
      const tocLink = s.page.locator('details.mobile-toc a').first();
      assert.equal(await tocLink.isVisible(), false, 'closed at first');
      await summary.focus();
      await s.page.keyboard.press('Enter');
      assert.ok(await tocLink.isVisible(), 'opens with the keyboard');
    });
  });

  test('keyboard: skip link first, then every control is reachable with Tab and shows a focus ring', async () => {
    await withPage(openPage(), async (s) => {
      const { page } = s;
      await s.goto('/chapters/diffusion-step-by-step/');
      await page.waitForSelector('[data-widget="forward-diffusion"][aria-busy="false"]');
      await page.keyboard.press('Tab');
      const skip = await page.evaluate(() => {
        const el = document.activeElement;
        return { text: el?.textContent, top: el?.getBoundingClientRect().top };
      });
      assert.equal(skip.text, 'Skip to content');
      assert.ok((skip.top ?? -1) >= 0, 'the skip link shows when focused');

      const wanted = new Set(['nse-t', 'nse-beta-axis', 'fd-digit', 'fd-sample', 'fd-schedule', 'fd-t', 'fd-reroll']);
      const seen = new Map();
      for (let i = 0; i < 250 && seen.size < wanted.size; i++) {
        await page.keyboard.press('Tab');
        const info = await page.evaluate(() => {
          const el = document.activeElement;
          const style = el ? getComputedStyle(el) : null;
          return { id: el?.getAttribute('data-testid'), outline: style ? `${style.outlineStyle} ${style.outlineWidth}` : '' };
        });
        if (info.id && wanted.has(info.id)) seen.set(info.id, info.outline);
      }
      assert.deepEqual([...seen.keys()].sort(), [...wanted].sort(), 'every widget control is reachable with Tab');
      for (const [id, outline] of seen) assert.match(outline, /^solid [1-9]/, `${id} shows a focus ring (${outline})`);
    });
  });
});
