import type { Metadata } from 'next';
import Link from 'next/link';
import { CHAPTERS } from '@/content/chapters';
import { exerciseById, exerciseNumber } from '@/content/exercises';
import { GUIDE } from '@/content/guide';
import { encodeAssignment, type Assignment } from '@/lib/assign/assignment';
import { KIND_LABELS, KIND_MINUTES } from '@/lib/exercises/types';
import { loadChapterSources, proseWords, READING_WPM } from '@/lib/mdx-pipeline';
import styles from './guide.module.css';
import assignStyles from '@/components/assign/assign.module.css';

export const metadata: Metadata = {
  title: 'Teacher’s guide',
  description: 'For each chapter: what to know first, how long it takes, its learning goals with the exercises that check them, and a suggested assignment.',
};

const chapterOf = (slug: string) => CHAPTERS.find((c) => c.slug === slug)!;
const round5 = (m: number) => Math.max(5, Math.round(m / 5) * 5);

/** /teach/guide/: the book chapter by chapter, as a teacher plans with it. Times come from the text and the exercises. */
export default function GuidePage() {
  const words = new Map(loadChapterSources().map((c) => [c.slug, proseWords(c.source)]));
  const rows = GUIDE.map((g) => {
    const chapter = chapterOf(g.slug);
    const exercises = g.goals.flatMap((goal) => goal.exercises);
    const reading = round5((words.get(g.slug) ?? 0) / READING_WPM);
    const practice = round5(g.suggested.reduce((s, id) => s + KIND_MINUTES[exerciseById(id)!.kind], 0));
    const assignment: Assignment = {
      v: 1,
      id: `guide${String(chapter.number).padStart(3, '0')}`,
      title: `Chapter ${chapter.number}: ${chapter.title}`,
      instructions: `Read chapter ${chapter.number} first. Each exercise checks itself; hints and worked solutions are there when you are stuck (your teacher sees which you opened).`,
      due: '',
      exercises: g.suggested,
    };
    return { g, chapter, exercises, reading, practice, payload: encodeAssignment(assignment) };
  });

  return (
    <main id="main" className="page prose">
      <h1>Teacher&rsquo;s guide</h1>
      <p className="lead">
        Each chapter is one reading assignment with exercises that check themselves. Here, for each: what a student should know first, about how long it takes,
        what they should be able to do afterwards with the exercises that check it, and a suggested assignment to hand out as it is or to change.
      </p>
      <p>
        Reading times assume {READING_WPM} words a minute (technical prose with equations, read with the widgets); exercise times add about{' '}
        {KIND_MINUTES.numeric} minutes for a number, {KIND_MINUTES.choice} for a question to choose, {KIND_MINUTES.widget} for a widget setting and{' '}
        {KIND_MINUTES.code} for code. To hand out work, open a suggested assignment in <Link href="/teach/">the assignment maker</Link>, set a due date, and
        post its link; <Link href="/grade/">grade</Link> the files your students hand in.
      </p>

      <div className={assignStyles.tableWrap} role="region" aria-label="The chapters at a glance" tabIndex={0}>
        <table className={assignStyles.table} data-testid="guide-table">
          <thead>
            <tr>
              <th scope="col">Chapter</th>
              <th scope="col">Read first</th>
              <th scope="col">Reading</th>
              <th scope="col">Suggested exercises</th>
            </tr>
          </thead>
          <tbody>
            {rows.map(({ g, chapter, reading, practice }) => (
              <tr key={g.slug}>
                <th scope="row">
                  <a href={`#guide-${g.slug}`}>
                    {chapter.number}. {chapter.title}
                  </a>
                </th>
                <td>{g.after.length ? g.after.map((s) => chapterOf(s).number).join(', ') : '–'}</td>
                <td>{reading} min</td>
                <td>
                  {g.suggested.length}, about {practice} min
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      {rows.map(({ g, chapter, reading, practice, payload }) => (
        <section key={g.slug} id={`guide-${g.slug}`} className={styles.chapter} data-testid="guide-chapter" data-chapter={g.slug}>
          <h2>
            {chapter.number}. <Link href={`/chapters/${g.slug}/`}>{chapter.title}</Link>
          </h2>
          <p className={styles.meta}>
            About {reading} minutes to read and {practice} for the suggested exercises.{' '}
            {g.after.length > 0 && (
              <>
                Read first:{' '}
                {g.after.map((s, i) => (
                  <span key={s}>
                    {i > 0 && ', '}
                    <Link href={`/chapters/${s}/`}>
                      chapter {chapterOf(s).number}, {chapterOf(s).title}
                    </Link>
                  </span>
                ))}
                .
              </>
            )}
          </p>
          <p className={styles.meta}>Background: {g.background.join(' · ')}.</p>
          <h3>After it, a student can</h3>
          <ol className={styles.goals}>
            {g.goals.map((goal) => (
              <li key={goal.text}>
                {goal.text}{' '}
                <span className={styles.checked}>
                  Checked by{' '}
                  {goal.exercises.map((id, i) => {
                    const e = exerciseById(id)!;
                    return (
                      <span key={id}>
                        {i > 0 && ', '}
                        <Link href={`/chapters/${g.slug}/#exercise-${id}`}>
                          {exerciseNumber(e).number} {e.title}
                        </Link>{' '}
                        <span className={assignStyles.kind}>{KIND_LABELS[e.kind]}</span>
                      </span>
                    );
                  })}
                  .
                </span>
              </li>
            ))}
          </ol>
          <h3>Suggested assignment</h3>
          <p>
            {g.suggested.map((id) => exerciseNumber(exerciseById(id)!).number).join(', ')}.{' '}
            <a href={`/teach/#template=${payload}`} data-testid="guide-edit">
              Open it in the assignment maker
            </a>{' '}
            to set a due date and hand it out, or{' '}
            <a href={`/assignment/#a=${payload}`} data-testid="guide-try">
              try it as a student
            </a>
            .
          </p>
        </section>
      ))}
    </main>
  );
}
