import { describe, expect, it } from 'vitest';
import { choiceExercises, WRITTEN_CHOICE_IDS } from '@/lib/exercises/choice-text';
import { EXERCISES, exerciseById } from '@/content/exercises';

const r = String.raw;
const BLOCK = r`
## two-plus-two (choice): Sums
Uses: scaling-chart
What is $2 + 2$?
Answer with \`sum\`.
- [ ] 3
  One short.
- [x] 4
  Right.
  Exactly.
Hint: Count.
Hint: Use your fingers.
Solution: $2 + 2 = 4$.

Nothing more to say.

## cfg (formula): The guided prediction
Which?
- [x] \epsilon_\varnothing + s(\epsilon_y - \epsilon_\varnothing)
  Right.
- [ ] \epsilon_y
  No guidance.
Solution: The first.
`;

describe('choiceExercises', () => {
  const words = choiceExercises('test-chapter', BLOCK);

  it('reads a block into the record the rest of the book uses', () => {
    expect(words('two-plus-two')).toEqual({
      id: 'two-plus-two',
      chapter: 'test-chapter',
      kind: 'choice',
      title: 'Sums',
      uses: 'scaling-chart',
      prompt: 'What is $2 + 2$?\nAnswer with `sum`.',
      options: [
        { text: '3', correct: false, why: 'One short.' },
        { text: '4', correct: true, why: 'Right.\nExactly.' },
      ],
      hints: ['Count.', 'Use your fingers.'],
      solution: '$2 + 2 = 4$.\n\nNothing more to say.',
    });
  });

  it('keeps TeX verbatim in formula options', () => {
    const ex = words('cfg');
    expect(ex.kind).toBe('formula');
    expect(ex.options[0].text).toBe(r`\epsilon_\varnothing + s(\epsilon_y - \epsilon_\varnothing)`);
    expect(ex.hints).toEqual([]);
    expect('uses' in ex).toBe(false);
  });

  it('throws on an id that was not written', () => {
    expect(() => words('nope')).toThrow(/no written exercise "nope"/);
  });

  it.each([
    ['no right option', '## a (choice): T\nQ?\n- [ ] x\n  y\n- [ ] z\n  w\nSolution: s', /exactly one option/],
    ['two right options', '## a (choice): T\nQ?\n- [x] x\n  y\n- [x] z\n  w\nSolution: s', /exactly one option/],
    ['an option without why', '## a (choice): T\nQ?\n- [x] x\n- [ ] z\n  w\nSolution: s', /says nothing on why/],
    ['one option', '## a (choice): T\nQ?\n- [x] x\n  y\nSolution: s', /fewer than two/],
    ['no solution', '## a (choice): T\nQ?\n- [x] x\n  y\n- [ ] z\n  w', /no solution/],
    ['no prompt', '## a (choice): T\n- [x] x\n  y\n- [ ] z\n  w\nSolution: s', /no prompt/],
    ['a bad heading', '## a choice: T', /not an exercise heading/],
    ['an unknown kind', '## a (numeric): T', /not an exercise heading/],
    ['text before the first block', 'stray\n## a (choice): T', /before the first exercise/],
    ['an option after the hints', '## a (choice): T\nQ?\n- [x] x\n  y\nHint: h\n- [ ] z\n  w\nSolution: s', /after the hints/],
    ['a stray line among the options', '## a (choice): T\nQ?\n- [x] x\n  y\nstray\n- [ ] z\n  w\nSolution: s', /out of place/],
    [
      'the same id twice',
      '## a (choice): T\nQ?\n- [x] x\n  y\n- [ ] z\n  w\nSolution: s\n## a (choice): T\nQ?\n- [x] x\n  y\n- [ ] z\n  w\nSolution: s',
      /written twice/,
    ],
  ])('rejects %s, naming the block', (_, text, message) => {
    expect(() => choiceExercises('bad', text)).toThrow(message);
  });
});

describe('the written choice exercises', () => {
  it('are each placed in their chapter list', () => {
    // Loading the book read every chapter's blocks; one written but not listed would never be shown.
    const written = [...WRITTEN_CHOICE_IDS].filter((id) => !['two-plus-two', 'cfg'].includes(id));
    expect(written.length).toBeGreaterThanOrEqual(20);
    for (const id of written) expect(exerciseById(id), id).toBeDefined();
    expect(
      EXERCISES.filter((e) => e.kind === 'choice' || e.kind === 'formula')
        .map((e) => e.id)
        .sort(),
    ).toEqual(written.sort());
  });
});
