import { exerciseById, exerciseNumber } from '@/content/exercises';
import { renderExerciseText } from '@/lib/exercises/render';
import { displayValues, drawParams } from '@/lib/exercises/seed';
import { ExerciseCard, type ExerciseHtml, type ExerciseInfo } from './ExerciseCard';

/**
 * <Exercise id="..." /> in a chapter: the text is rendered here, when the site is built (KaTeX
 * included), and the card that takes answers runs in the browser. Numbered by the chapter's list
 * in content/exercises (2.1, 2.2, ...); an unknown id fails the build.
 */
export function Exercise({ id }: { id: string }) {
  const ex = exerciseById(id);
  if (!ex) throw new Error(`<Exercise id="${id}" />: no exercise has this id (content/exercises)`);
  const { number } = exerciseNumber(ex);
  const html: ExerciseHtml = {
    prompt: renderExerciseText(ex.prompt),
    hints: ex.hints.map((h) => renderExerciseText(h)),
    solution: renderExerciseText(ex.solution),
    options: ex.kind === 'choice' || ex.kind === 'formula' ? ex.options.map((o) => renderExerciseText(o.text, { display: ex.kind === 'formula' })) : [],
    whys: ex.kind === 'choice' || ex.kind === 'formula' ? ex.options.map((o) => renderExerciseText(o.why)) : [],
  };
  const p = drawParams(ex, '');
  const info: ExerciseInfo = {
    id,
    chapter: ex.chapter,
    number,
    kind: ex.kind,
    title: ex.title,
    ...(ex.kind === 'widget' ? { reads: ex.reads } : {}),
    ...(ex.kind === 'numeric' && ex.unit ? { unit: ex.unit } : {}),
    ...(ex.kind === 'code' ? { solutionCode: ex.solutionCode } : {}),
    personal: ex.params !== undefined,
    defaults: displayValues(ex, p),
  };
  return <ExerciseCard info={info} html={html} />;
}
