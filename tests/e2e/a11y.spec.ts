/**
 * Accessibility, measured with axe-core (WCAG 2.1 A and AA) over every built page after its widgets
 * have drawn: the home page, the chapters, the pages for students and teachers (an assignment with
 * widget exercises among them) and the 404 page. Every violation found is written to
 * artifacts/axe.json; the test fails on any.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { axeViolations, builtChapters, drawAllWidgets, openPage, withPage, writeArtifact, type AxeViolation } from './harness';
import { encodeAssignment } from '../../lib/assign/assignment';

const assignment = encodeAssignment({
  v: 1,
  id: 'axecheck',
  title: 'Accessibility check',
  instructions: 'Every kind of exercise, with the widgets they need.',
  due: '',
  exercises: ['log-snr-crossing-widget', 'closed-form-pick', 'why-shrink', 'find-token-widget', 'grid-smaller-patch', 'code-patchify'],
});

describe('accessibility (axe-core, WCAG 2.1 A/AA)', () => {
  test('no violations on any page, after its widgets have drawn', async () => {
    const pages = [
      '/',
      '/about/',
      '/progress/',
      '/teach/',
      '/teach/guide/',
      '/grade/',
      `/assignment/#a=${assignment}`,
      '/no-such-page/',
      ...builtChapters().map((slug) => `/chapters/${slug}/`),
    ];
    const found: Record<string, AxeViolation[]> = {};
    for (const path of pages) {
      await withPage(openPage({ timeout: 120_000, allow: [/no-such-page/, /404/] }), async (s) => {
        await s.goto(path);
        await s.page.waitForLoadState('networkidle').catch(() => undefined);
        await drawAllWidgets(s.page);
        const v = await axeViolations(s.page);
        if (v.length) found[path] = v;
      });
    }
    writeArtifact('axe.json', { pages, violations: found });
    const lines = Object.entries(found).flatMap(([p, vs]) =>
      vs.map(
        (v) =>
          `${p}: ${v.id} (${v.impact}) ${v.help}: ${v.nodes
            .map((n) => n.target.join(' '))
            .slice(0, 3)
            .join(' | ')}`,
      ),
    );
    assert.equal(lines.length, 0, `axe-core found:\n${lines.join('\n')}`);
  });
});
