/**
 * What an exercise is: a prompt, the way its answer is checked, hints and a worked solution. The
 * definitions live in content/exercises/ (one file a chapter); every expected answer is computed by
 * the project's own lib code from the exercise's parameters, never typed in by hand.
 *
 * Text fields are short Markdown-like strings: $...$ is inline maths, $$...$$ display maths, `code`
 * and **bold** work, and {{name}} is replaced by the parameter `name` as display() writes it
 * (outside maths only, so a student's parameters never pass through TeX).
 */

/** A parameter draw: numbers and short words, as display() writes them into the text. */
export type Params = Record<string, number | string>;

/** The seeded stream an exercise draws its parameters from (lib/exercises/seed.ts). */
export interface ParamRng {
  /** A uniform float in [0, 1). */
  next(): number;
  /** A uniform integer in [lo, hi]. */
  int(lo: number, hi: number): number;
  /** One element of a list. */
  pick<T>(items: readonly T[]): T;
}

interface Common<P extends Params> {
  /** Unique across the book, kebab-case, stable: stored progress and assignments point at it. */
  id: string;
  /** The slug of the chapter it belongs to. */
  chapter: string;
  title: string;
  prompt: string;
  hints: readonly string[];
  /** The worked solution shown behind a reveal. */
  solution: string;
  /**
   * The data-widget name of a widget the answer is read from, for an exercise that is not a widget
   * exercise (a widget exercise names its own): an assignment's page shows it beside the exercise.
   */
  uses?: string;
  /**
   * Draws the parameters; absent means the exercise is the same for everyone. Called with a stream
   * seeded by the student's id and the exercise id, so each student gets their own numbers.
   */
  params?: (rng: ParamRng) => P;
  /** How the parameters are written into the text (defaults to String(value)). */
  display?: (p: P) => Record<string, string>;
}

export interface NumericExercise<P extends Params = Params> extends Common<P> {
  kind: 'numeric';
  /** The expected answer, computed by lib code. */
  answer: (p: P) => number;
  /** Accepted when |x - answer| <= max(abs, rel * |answer|). */
  tolerance: { abs?: number; rel?: number };
  /** Shown after the input and accepted after the number (e.g. 'Gflops'). */
  unit?: string;
  /**
   * The worked solution's own arithmetic, written the way the solution text does it (a closed form,
   * another route): the unit tests check it agrees with answer() and that the checker accepts it.
   */
  worked: (p: P) => number;
}

export interface ChoiceOption {
  /** Markdown with maths; for a 'formula' exercise, the TeX of one display formula. */
  text: string;
  correct: boolean;
  /** Why this option is right or wrong: shown when it is picked. */
  why: string;
}

export interface ChoiceExercise<P extends Params = Params> extends Common<P> {
  /** 'choice': options in words; 'formula': options are formulas, one of them right. */
  kind: 'choice' | 'formula';
  options: readonly ChoiceOption[];
}

/** What a widget on the page reports about its current setting (lib/exercises/widget-state.ts). */
export type WidgetState = Record<string, number | string>;

export interface WidgetExercise<P extends Params = Params> extends Common<P> {
  kind: 'widget';
  /** The data-widget name of the widget whose setting is checked. */
  widget: string;
  /** What to set, in words, for the button ("Check the widget's t"). */
  reads: string;
  /** Checks a reported setting; the message says what is off when it is not right. */
  check: (state: WidgetState, p: P) => { correct: boolean; message: string };
  /** A setting that is right, for the unit tests (and one that is not). */
  worked: (p: P) => WidgetState;
  wrong: (p: P) => WidgetState;
}

/** An argument or result of a code exercise's function: numbers and arrays of them, nested at most twice. */
export type CodeValue = number | number[] | number[][];

export interface CodeExercise<P extends Params = Params> extends Common<P> {
  kind: 'code';
  /** The function the student writes; the starter code declares it. */
  fn: string;
  starter: string;
  /** A right solution: the unit tests run it against every case, and it is shown with the worked solution. */
  solutionCode: string;
  /** A plausible wrong one (a classic mistake): the unit tests check the cases catch it. */
  wrongCode: string;
  /** The test cases, drawn from the parameters (no tfjs here: the page imports this file). */
  cases: (p: P) => { name: string; args: CodeValue[] }[];
  /** Which lib-backed function gives the expected result (lib/sandbox/references.ts). */
  reference: string;
  tolerance: { abs?: number; rel?: number };
}

export type Exercise<P extends Params = Params> = NumericExercise<P> | ChoiceExercise<P> | WidgetExercise<P> | CodeExercise<P>;
export type ExerciseKind = Exercise['kind'];

/** About how long a student spends on one exercise of each kind, in minutes (the teacher's guide adds them up). */
export const KIND_MINUTES: Record<ExerciseKind, number> = { numeric: 5, choice: 3, formula: 3, widget: 4, code: 15 };

export const KIND_LABELS: Record<ExerciseKind, string> = {
  numeric: 'number',
  choice: 'multiple choice',
  formula: 'pick the formula',
  widget: 'use the widget',
  code: 'write the code',
};
