/**
 * Assignments end to end, as a class uses them: a teacher composes one from three chapters on
 * /teach; three students on clean profiles open the link and answer on the assignment page (one
 * wrongly, one after revealing a solution; one edits the score inside the file, one hands in a
 * malformed file); the teacher imports everything as a zip on /grade, and the class table and the
 * CSV hold exactly the scores the answers earn. Then hostile uploads: each gets a message naming
 * its file, nothing runs, and the rest of the class is graded.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { strToU8, zipSync } from 'fflate';
import type { Page } from 'playwright-core';
import { ARTIFACTS, axeViolations, openPage, PHONE, SCREENSHOTS, screenshot, setCode, withPage, type OpenPage } from './harness';
import { buildSubmission, canonicalJson } from '../../lib/assign/submission';
import { decodeAssignment, payloadOf } from '../../lib/assign/assignment';
import { emptyEntry, withAttempt } from '../../lib/exercises/progress';
import { drawParams } from '../../lib/exercises/seed';
import type { CodeExercise, NumericExercise, Params } from '../../lib/exercises/types';
import { exerciseById } from '../../content/exercises';

const XSS = '<img src=x onerror="window.__pwned=1">';
const CHOICE = exerciseById('why-shrink')!;
const NUM = exerciseById('block-cost') as NumericExercise;
const CODE = exerciseById('code-posterior-mean') as CodeExercise;
const RIGHT = CHOICE.kind === 'choice' ? CHOICE.options.findIndex((o) => o.correct) : -1;
const WRONG = CHOICE.kind === 'choice' ? CHOICE.options.findIndex((o) => !o.correct) : -1;
const numberFor = (student: string) => String(NUM.answer(drawParams(NUM, student) as Params));

function noDialogs(s: OpenPage) {
  s.page.on('dialog', (d) => {
    s.problems.push(`a dialog opened: ${d.message()}`);
    void d.dismiss();
  });
}

async function pwned(page: Page): Promise<boolean> {
  return page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned === 1);
}

const card = (page: Page, id: string) => page.locator(`[data-exercise="${id}"]`);

async function ready(page: Page, id: string) {
  await card(page, id).scrollIntoViewIfNeeded();
  await page.waitForSelector(`[data-exercise="${id}"][data-ready="true"]`, { timeout: 60_000 });
}

async function choose(page: Page, option: number) {
  await ready(page, CHOICE.id);
  await card(page, CHOICE.id).locator(`[data-testid="exercise-option-${option}"]`).check();
  await card(page, CHOICE.id).locator('[data-testid="exercise-check"]').click();
}

async function typeNumber(page: Page, value: string) {
  await ready(page, NUM.id);
  await card(page, NUM.id).locator('[data-testid="exercise-input"]').fill(value);
  await card(page, NUM.id).locator('[data-testid="exercise-check"]').click();
}

async function runCode(page: Page, code: string) {
  await ready(page, CODE.id);
  const c = card(page, CODE.id);
  await setCode(page, page.locator(`[data-testid="${CODE.id}-editor"]`), code);
  await c.locator('[data-testid="exercise-run-tests"]').click();
  await c.locator('[data-testid="exercise-feedback"]').waitFor({ timeout: 60_000 });
}

/** Opens the link as a new student, sets the id, lets `work` answer, and downloads the submission. */
async function student(link: string, id: string, work: (page: Page) => Promise<void>, shot?: string): Promise<{ file: string; text: string; receipt: string }> {
  let out = { file: '', text: '', receipt: '' };
  await withPage(openPage({ timeout: 60_000 }), async (s) => {
    noDialogs(s);
    const { page } = s;
    await page.goto(link);
    await page.waitForSelector('[data-testid="assignment"]');
    await page.locator('[data-testid="assignment-student"]').fill(id);
    await page.locator('[data-testid="assignment-student-save"]').click();
    await work(page);
    // Progress survives a closed tab: reload and the answers are still there.
    await page.reload();
    await page.waitForSelector('[data-testid="assignment"]');
    if (shot) {
      await screenshot(page, `${shot}-desktop`, { fullPage: true });
      await page.setViewportSize(PHONE);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `no horizontal scroll on the assignment on a phone (${overflow} px)`);
      await page.screenshot({ path: path.join(SCREENSHOTS, `${shot}-phone.png`), fullPage: true });
    }
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid="assignment-download"]').click()]);
    const file = path.join(ARTIFACTS, `submission-${id}.json`);
    await download.saveAs(file);
    const receipt = await page.locator('[data-testid="assignment-receipt"] strong').innerText();
    assert.equal(await pwned(page), false);
    out = { file: download.suggestedFilename(), text: readFileSync(file, 'utf8'), receipt };
  });
  return out;
}

/** Imports files on /grade and waits for the summary. */
async function importFiles(page: Page, files: { name: string; mimeType: string; buffer: Buffer }[] | string[]) {
  await page.locator('[data-testid="grade-files"]').setInputFiles(files as never);
  await page.waitForSelector('[data-testid="grade-summary"]', { timeout: 120_000 });
}

async function table(page: Page): Promise<Record<string, { score: number; cells: Record<string, string> }>> {
  return page.evaluate(() => {
    const out: Record<string, { score: number; cells: Record<string, string> }> = {};
    for (const tr of document.querySelectorAll('[data-testid="grade-row"]')) {
      const cells: Record<string, string> = {};
      for (const td of tr.querySelectorAll('[data-cell]')) cells[td.getAttribute('data-cell')!] = td.getAttribute('data-right')!;
      out[tr.getAttribute('data-student')!] = { score: Number(tr.getAttribute('data-score')), cells };
    }
    return out;
  });
}

function parseCsv(text: string): string[][] {
  return text
    .trim()
    .split('\r\n')
    .map((line) => [...line.matchAll(/"((?:[^"]|"")*)"/g)].map((m) => m[1].replace(/""/g, '"')));
}

describe('assignments', () => {
  let link = '';
  let gradeLink = '';

  test('a teacher composes, three students answer, the teacher grades a zip', async () => {
    await withPage(openPage(), async (s) => {
      noDialogs(s);
      const { page } = s;
      await s.goto('/teach/');
      await page.waitForSelector('[data-testid="compose"]');
      assert.match(await page.locator('[data-testid="compose-missing"]').innerText(), /Pick at least one exercise/);
      await page.locator('[data-testid="compose-search"]').fill('posterior');
      await page.locator(`[data-testid="pick-${CODE.id}"]`).check();
      await page.locator('[data-testid="compose-search"]').fill('');
      await page.locator(`[data-testid="pick-${CHOICE.id}"]`).check();
      await page.locator(`[data-testid="pick-${NUM.id}"]`).check();
      await page.locator('[data-testid="compose-title"]').fill(`Week 3 ${XSS}`);
      await page.locator('[data-testid="compose-instructions"]').fill(`Line one.\n${XSS}`);
      await page.locator('[data-testid="compose-due"]').fill('2099-12-31');
      link = await page.locator('[data-testid="compose-link"]').inputValue();
      gradeLink = (await page.locator('[data-testid="compose-grade"]').getAttribute('href'))!;
      assert.match(link, /\/assignment\/#a=[A-Za-z0-9_-]+$/);
      assert.ok(link.length < 1000, `the link is short (${link.length})`);
      assert.equal(await page.locator('[data-testid="compose-order"] li').count(), 3);
      await screenshot(page, 'teach-desktop', { fullPage: true });
      await page.setViewportSize(PHONE);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `no horizontal scroll on /teach on a phone (${overflow} px)`);
      await page.screenshot({ path: path.join(SCREENSHOTS, 'teach-phone.png'), fullPage: true });
    });
    const a = decodeAssignment(payloadOf(new URL(link).hash), (id) => exerciseById(id) !== undefined);
    assert.ok(a.ok);
    assert.deepEqual(a.assignment.exercises, [CODE.id, CHOICE.id, NUM.id]);

    // Ada: a wrong choice, then right; the number right; the code right. Everything on the assignment page.
    const ada = await student(
      link,
      'ada',
      async (page) => {
        assert.equal(await page.locator('[data-testid="assignment-title"]').innerText(), `Week 3 ${XSS}`, 'the title is text');
        assert.equal(await page.locator('img[src="x"]').count(), 0, 'no element made from the title or instructions');
        assert.equal(await page.locator('[data-testid="assignment-item"]').count(), 3, 'the three exercises are on the page');
        assert.match(await page.locator('[data-testid="assignment-progress"]').innerText(), /0 of 3 solved/);
        await choose(page, WRONG);
        await choose(page, RIGHT);
        await typeNumber(page, numberFor('ada'));
        await runCode(page, CODE.solutionCode);
        assert.equal(await card(page, CODE.id).getAttribute('data-state'), 'solved');
        await page.waitForFunction(() => /3 of 3 solved/.test(document.querySelector('[data-testid="assignment-progress"]')?.textContent ?? ''));
      },
      'assignment',
    );
    const sub = JSON.parse(ada.text);
    assert.equal(sub.student, 'ada');
    assert.deepEqual(Object.keys(sub.entries).sort(), [CODE.id, NUM.id, CHOICE.id].sort());
    assert.equal(sub.entries[CHOICE.id].attempts.length, 2);
    const { checksum, ...body } = sub;
    assert.equal(createHash('sha256').update(canonicalJson(body)).digest('hex'), checksum, 'the checksum is SHA-256 of the canonical content');
    assert.equal(ada.receipt, `${checksum.slice(0, 4)}-${checksum.slice(4, 8)}-${checksum.slice(8, 12)}`);

    // Bob: reveals the solution, then picks right; a wrong number; the classic mistake in code. Then edits his file.
    const bob = await student(link, 'bob', async (page) => {
      await ready(page, CHOICE.id);
      await card(page, CHOICE.id).locator('[data-testid="exercise-solution-button"]').click();
      await choose(page, RIGHT);
      await typeNumber(page, '1');
      await runCode(page, CODE.wrongCode);
      assert.equal(await card(page, CODE.id).getAttribute('data-state'), 'tried');
    });
    const edited = JSON.parse(bob.text);
    for (const e of Object.values(edited.entries) as { solved: boolean; attempts: { correct: boolean }[] }[]) {
      e.solved = true;
      for (const at of e.attempts) at.correct = true;
    }

    // Cy: answers one, but the file handed in is cut short.
    const cy = await student(link, 'cy', async (page) => choose(page, RIGHT));

    const zip = zipSync({
      // Canvas: the student's name and ids before the file's own name.
      [`adalovelace_12345_67890_${ada.file}`]: strToU8(ada.text),
      // Moodle: a folder a student, the file renamed.
      'Bob Builder_4242_assignsubmission_file_/my homework.json': strToU8(JSON.stringify(edited)),
      'Cy Young_4343_assignsubmission_file_/dit-lab-week-3-cy.json': strToU8(cy.text.slice(0, cy.text.length / 2)),
      'Cy Young_4343_assignsubmission_file_/notes.pdf': strToU8('%PDF-1.4'),
    });

    await withPage(openPage({ timeout: 120_000 }), async (s) => {
      noDialogs(s);
      const { page } = s;
      await page.goto(gradeLink);
      await page.waitForSelector('[data-testid="grade"][data-ready="true"]');
      await page.locator('[data-testid="grade-roster"]').fill('Student\nada\nbob\ncy\ndee');
      await page.locator('[data-testid="grade-roster"]').blur();
      await importFiles(page, [{ name: 'week-3-submissions.zip', mimeType: 'application/zip', buffer: Buffer.from(zip) }]);
      assert.match(await page.locator('[data-testid="grade-summary"]').innerText(), /Graded 2 files; 1 could not be graded .*; 1 passed over/);
      const t = await table(page);
      assert.deepEqual(Object.keys(t).sort(), ['ada', 'bob']);
      assert.deepEqual(t.ada, { score: 3, cells: { [CODE.id]: 'true', [CHOICE.id]: 'true', [NUM.id]: 'true' } });
      // Bob's edited file claims three solved; re-graded, only the choice (after the reveal) is right.
      assert.deepEqual(t.bob, { score: 1, cells: { [CODE.id]: 'false', [CHOICE.id]: 'true', [NUM.id]: 'false' } });
      const bobRow = page.locator('[data-testid="grade-row"][data-student="bob"]');
      assert.match(await bobRow.innerText(), /edited/);
      assert.match(await bobRow.innerText(), /solution seen/);
      assert.match(await bobRow.innerText(), /file claimed ✓/);
      assert.match(await page.locator('[data-testid="grade-row"][data-student="ada"]').innerText(), new RegExp(ada.receipt));
      const problems = await page.locator('[data-testid="grade-problem"]').allInnerTexts();
      assert.equal(problems.length, 1);
      assert.match(problems[0], /week-3-submissions\.zip › Cy Young_4343_assignsubmission_file_\/dit-lab-week-3-cy\.json: not valid JSON/);
      assert.deepEqual(await page.locator('[data-testid="grade-missing"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-student'))), ['cy', 'dee']);
      const stat = page.locator(`[data-testid="grade-stat"][data-exercise="${NUM.id}"]`);
      assert.match(await stat.innerText(), /1 of 2 \(50%\).*\b1 \(1\)/s);
      await screenshot(page, 'grade-desktop', { fullPage: true });

      const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid="grade-csv"]').click()]);
      const csvFile = path.join(ARTIFACTS, 'grades.csv');
      await download.saveAs(csvFile);
      const rows = parseCsv(readFileSync(csvFile, 'utf8'));
      const col = (name: string) => rows[0].indexOf(name);
      assert.deepEqual(
        rows.slice(1).map((r) => [r[col('student')], r[col('score')], r[col('late')], r[col('file_intact')]]),
        [
          ['ada', '3', 'no', 'yes'],
          ['bob', '1', 'no', 'no'],
          ['cy', '0', 'missing', ''],
          ['dee', '0', 'missing', ''],
        ],
      );
      assert.equal(rows[1][col('receipt')], ada.receipt);

      // The table survives a reload.
      await page.reload();
      await page.waitForSelector('[data-testid="grade"][data-ready="true"]');
      assert.deepEqual(await table(page), t);
      assert.equal(await page.locator('[data-testid="grade-missing"]').count(), 2);
      assert.equal(await pwned(page), false);
      const axe = await axeViolations(page);
      assert.deepEqual(axe, [], 'axe-core finds nothing on the filled class table');

      await page.setViewportSize(PHONE);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `no horizontal scroll on /grade on a phone (${overflow} px)`);
      await page.screenshot({ path: path.join(SCREENSHOTS, 'grade-phone.png'), fullPage: true });
    });
  });

  test('hostile uploads: each named with a clear message, nothing runs, the rest graded', async () => {
    assert.ok(link, 'the first test made the link');
    const a = decodeAssignment(payloadOf(new URL(link).hash), (id) => exerciseById(id) !== undefined);
    assert.ok(a.ok);
    const A = a.assignment;
    const T = Date.parse('2030-01-01T10:00:00Z');
    const attempt = (answer: string, i = 0) => withAttempt(emptyEntry(T), { at: T + i, answer, correct: true });
    // Script and HTML in every text field: the student's name, every answer, and code that tries to leave the sandbox.
    const evil = await buildSubmission(
      A,
      `${XSS}<script>window.__pwned=1</script>`,
      {
        [CHOICE.id]: attempt(`${XSS}`),
        [NUM.id]: attempt(`${XSS}`),
        [CODE.id]: attempt(
          `function posteriorMean() { try { parent.window.__pwned = 1; } catch {} try { document.body.innerHTML = '${XSS}'; } catch {} return 0; }`,
        ),
      },
      '0.1.0',
      new Date(T),
    );
    const good = await buildSubmission(A, 'gus', { [NUM.id]: attempt(numberFor('gus')) }, '0.1.0', new Date(T));
    const again = await buildSubmission(A, 'gus', { [NUM.id]: attempt('2', 1) }, '0.1.0', new Date(T + 60_000));
    const other = await buildSubmission({ ...A, id: 'zzzz9999', title: 'Another week' }, 'hal', {}, '0.1.0', new Date(T));
    const unknownId = JSON.stringify({ ...good, assignment: { ...good.assignment, exercises: [...A.exercises, 'no-such-exercise'] } });
    const bomb = zipSync({ 'bomb/dit-lab-bomb.json': new Uint8Array(30_000_000).fill(32), 'bomb/ok.json': strToU8(JSON.stringify(good)) }, { level: 9 });
    const big = path.join(ARTIFACTS, 'fifty-megabytes.json');
    writeFileSync(big, Buffer.alloc(50_000_000, 32));
    const files = [
      ['evil.json', JSON.stringify(evil)],
      ['gus-first.json', JSON.stringify(good)],
      ['gus-second.json', JSON.stringify(again)],
      ['other-assignment.json', JSON.stringify(other)],
      ['unknown-exercise.json', unknownId],
      ['malformed.json', '{"format": "dit-lab-submission", "version": 1, "student": '],
      ['not-json.json', '<html><script>window.__pwned=1</script></html>'],
    ] as const;

    await withPage(openPage({ timeout: 120_000 }), async (s) => {
      noDialogs(s);
      const { page } = s;
      // Damaged links: a sentence, no script.
      await s.goto('/assignment/#a=%3Cscript%3Ewindow.__pwned%3D1%3C%2Fscript%3E');
      assert.match(await page.locator('[data-testid="assignment-error"]').innerText(), /damaged/);
      await s.goto('/assignment/');
      assert.match(await page.locator('[data-testid="assignment-error"]').innerText(), /holds no assignment/);
      await s.goto(`/grade/#a=${payloadOf(new URL(link).hash).slice(0, 40)}`);
      assert.match(await page.locator('[data-testid="grade-link-error"]').innerText(), /damaged or cut short/);
      assert.equal(await pwned(page), false);

      await page.goto(gradeLink);
      await page.waitForSelector('[data-testid="grade"][data-ready="true"]');
      await page.locator('[data-testid="grade-clear"]').click();
      await page.locator('[data-testid="grade-clear"]').click();
      assert.equal(await page.locator('[data-testid="grade-row"]').count(), 0, 'the table was cleared');
      await importFiles(page, [
        ...files.map(([name, text]) => ({ name, mimeType: 'application/json', buffer: Buffer.from(text) })),
        { name: 'bomb.zip', mimeType: 'application/zip', buffer: Buffer.from(bomb) },
      ]);
      await importFiles(page, [big]);
      const problems = await page.locator('[data-testid="grade-problem"]').allInnerTexts();
      const about = (name: string) => problems.find((p) => p.startsWith(`${name}:`)) ?? `(nothing about ${name})`;
      assert.match(about('other-assignment.json'), /another assignment \(“Another week”/);
      assert.match(about('unknown-exercise.json'), /another version of this assignment/);
      assert.match(about('malformed.json'), /not valid JSON/);
      assert.match(about('not-json.json'), /not valid JSON/);
      assert.match(about('bomb.zip › bomb/dit-lab-bomb.json'), /larger than any submission|zip bomb/);
      assert.match(about('fifty-megabytes.json'), /50 MB is larger than this page reads/);
      assert.equal(problems.length, 6, problems.join('\n'));
      // Graded: the evil file (as text, scored 0) and gus, whose later file counts; the bomb's sibling is gus's first file again.
      const t = await table(page);
      assert.deepEqual(Object.keys(t).sort(), [`${XSS}<script>window.__pwned=1</script>`, 'gus'].sort());
      assert.equal(t.gus.score, 0, 'the later file (a wrong number) counts');
      assert.match(
        await page.locator('[data-testid="grade-superseded"]').innerText(),
        /gus-first\.json set aside: gus handed in a later file, gus-second\.json/,
      );
      assert.equal(Object.values(t).find((r) => r !== t.gus)!.score, 0);
      assert.equal(await page.locator('img[src="x"]').count(), 0, 'no element made from any field');
      assert.equal(await pwned(page), false, 'no script ran on the page');
      await screenshot(page, 'grade-hostile-desktop', { fullPage: true });
    });
  });

  test('the teacher’s guide hands out a suggested assignment, and a link opens again for editing', async () => {
    await withPage(openPage(), async (s) => {
      noDialogs(s);
      const { page } = s;
      await s.goto('/teach/guide/');
      assert.equal(await page.locator('[data-testid="guide-chapter"]').count(), 11);
      await screenshot(page, 'guide-desktop', { fullPage: true });
      await page.setViewportSize(PHONE);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `no horizontal scroll on the guide on a phone (${overflow} px)`);
      await page.screenshot({ path: path.join(SCREENSHOTS, 'guide-phone.png'), fullPage: true });
      await page.setViewportSize({ width: 1280, height: 900 });

      await page.locator('[data-chapter="diffusion-step-by-step"] [data-testid="guide-edit"]').click();
      await page.waitForSelector('[data-testid="compose-loaded"]');
      assert.match(await page.locator('[data-testid="compose-loaded"]').innerText(), /Started from a suggested assignment/);
      assert.equal(await page.locator('[data-testid="compose-order"] li').count(), 4);
      assert.equal(await page.locator('[data-testid="compose-title"]').inputValue(), 'Chapter 2: Diffusion, step by step');
      await page.locator('[data-testid="compose-due"]').fill('2099-06-30');
      const made = await page.locator('[data-testid="compose-link"]').inputValue();
      const first = decodeAssignment(payloadOf(new URL(made).hash), (id) => exerciseById(id) !== undefined);
      assert.ok(first.ok);
      assert.notEqual(first.assignment.id, 'guide002', 'a template gets an id of its own');
      assert.equal(first.assignment.due, '2099-06-30');

      // Editing the handed-out link keeps its id, so files already handed in still grade.
      await page.goto(made.replace('/assignment/', '/teach/'));
      await page.reload();
      await page.waitForSelector('[data-testid="compose-loaded"]');
      assert.match(await page.locator('[data-testid="compose-loaded"]').innerText(), /Editing an assignment you handed out/);
      await page.locator('[data-testid="compose-instructions"]').fill('Read the whole chapter first.');
      const edited = decodeAssignment(
        payloadOf(new URL(await page.locator('[data-testid="compose-link"]').inputValue()).hash),
        (id) => exerciseById(id) !== undefined,
      );
      assert.ok(edited.ok);
      assert.equal(edited.assignment.id, first.assignment.id);
      assert.equal(edited.assignment.instructions, 'Read the whole chapter first.');
    });
  });
});
