/**
 * Choice and formula exercises are prose, so a chapter writes them as prose: one Markdown block an
 * exercise, read by choiceExercises() into the same ChoiceExercise records the rest of the book
 * uses. The block:
 *
 *     ## why-ema (choice): Why an exponential moving average?
 *     Uses: scaling-chart (optional: the widget the answer is read from)
 *     The prompt: one or more lines.
 *     - [x] The right option.
 *       Why it is right (indented two spaces: shown when it is picked).
 *     - [ ] A wrong option.
 *       Why it is wrong.
 *     Hint: one line a hint, in the order they are given.
 *     Solution: the worked solution, to the next block.
 *
 * A formula exercise's options are the TeX of one display formula each. The text is read verbatim
 * (the chapter files use String.raw, so TeX needs no doubled backslashes); `\`` stands for a
 * backtick. A block that breaks the format throws when its chapter is loaded, naming the block, and
 * the exercise unit tests load every chapter.
 */
import type { ChoiceExercise, ChoiceOption } from './types';

const HEAD = /^## ([a-z0-9]+(?:-[a-z0-9]+)*) \((choice|formula)\): (.+)$/;
const OPTION = /^- \[( |x)\] (.+)$/;

/** Every block read so far, by id: the unit tests check that each is placed in its chapter's list. */
export const WRITTEN_CHOICE_IDS = new Set<string>();

function parseBlock(chapter: string, head: RegExpMatchArray, lines: string[]): ChoiceExercise {
  const [, id, kind, title] = head;
  const fail = (why: string): never => {
    throw new Error(`Exercise "${id}" in ${chapter}: ${why}`);
  };
  const prompt: string[] = [];
  const options: ChoiceOption[] = [];
  const hints: string[] = [];
  const solution: string[] = [];
  let uses: string | undefined;
  let at: 'prompt' | 'options' | 'hints' | 'solution' = 'prompt';
  for (const line of lines) {
    const option = OPTION.exec(line);
    if (at === 'solution') solution.push(line);
    else if (at === 'prompt' && prompt.length === 0 && line.startsWith('Uses: ')) uses = line.slice('Uses: '.length);
    else if (line.startsWith('Solution: ')) {
      at = 'solution';
      solution.push(line.slice('Solution: '.length));
    } else if (line.startsWith('Hint: ')) {
      if (options.length === 0) fail('a hint before the options');
      at = 'hints';
      hints.push(line.slice('Hint: '.length));
    } else if (option) {
      if (at === 'hints') fail('an option after the hints');
      at = 'options';
      options.push({ text: option[2], correct: option[1] === 'x', why: '' });
    } else if (at === 'options' && line.startsWith('  ') && line.trim() !== '') {
      const last = options[options.length - 1];
      last.why = last.why ? `${last.why}\n${line.slice(2)}` : line.slice(2);
    } else if (at === 'prompt') prompt.push(line);
    else if (line.trim() !== '') fail(`a line out of place: "${line}"`);
  }
  const text = (parts: string[]) => parts.join('\n').trim();
  if (!text(prompt)) fail('no prompt');
  if (options.length < 2) fail('fewer than two options');
  if (options.filter((o) => o.correct).length !== 1) fail('not exactly one option marked [x]');
  for (const o of options) if (!o.why) fail(`option "${o.text}" says nothing on why`);
  if (!text(solution)) fail('no solution');
  const ex: ChoiceExercise = { id, chapter, kind: kind as 'choice' | 'formula', title, prompt: text(prompt), options, hints, solution: text(solution) };
  return uses ? { ...ex, uses } : ex;
}

/**
 * Reads a chapter's choice and formula exercises from their Markdown blocks; the result gives the
 * exercise of an id (and throws on one that is not written), so the chapter's list keeps its order.
 */
export function choiceExercises(chapter: string, markdown: string): (id: string) => ChoiceExercise {
  const lines = markdown.replace(/\\`/g, '`').split('\n');
  const byId = new Map<string, ChoiceExercise>();
  let head: RegExpMatchArray | null = null;
  let body: string[] = [];
  const close = () => {
    if (!head) return;
    const ex = parseBlock(chapter, head, body);
    if (byId.has(ex.id)) throw new Error(`Exercise "${ex.id}" is written twice in ${chapter}`);
    byId.set(ex.id, ex);
  };
  for (const line of lines) {
    if (line.startsWith('## ')) {
      close();
      head = HEAD.exec(line);
      if (!head) throw new Error(`${chapter}: not an exercise heading: "${line}"`);
      body = [];
    } else if (head) body.push(line);
    else if (line.trim() !== '') throw new Error(`${chapter}: text before the first exercise: "${line}"`);
  }
  close();
  for (const id of byId.keys()) WRITTEN_CHOICE_IDS.add(id);
  return (id) => {
    const ex = byId.get(id);
    if (!ex) throw new Error(`${chapter} has no written exercise "${id}"`);
    return ex;
  };
}
