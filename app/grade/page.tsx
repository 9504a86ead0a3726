import type { Metadata } from 'next';
import { GradeAssignment } from '@/components/assign/GradeAssignment';

export const metadata: Metadata = {
  title: 'Grade an assignment',
  description: 'Import a class’s submission files or a zip of them, re-grade every answer in the browser, and export the grades as CSV.',
};

export default function GradePage() {
  return (
    <main id="main" className="page wide prose">
      <h1>Grade an assignment</h1>
      <p className="lead">
        Import your students&rsquo; submission files, or the zip your course site gives you. Every answer is checked again here, in your browser: nothing is
        uploaded anywhere.
      </p>
      <h2>What this page can promise, and what it cannot</h2>
      <ul>
        <li>
          <strong>Scores are re-graded, never read from the file.</strong> Each answer a student typed is checked again against their numbers, and code runs
          again in the sandbox, so a score edited inside a file counts for nothing. A file changed after it was made is marked <em>edited</em>.
        </li>
        <li>
          <strong>Nothing proves who made a file.</strong> There are no accounts: a name in a file is whatever was typed, and times come from the
          student&rsquo;s clock. Ask students to keep their receipt, and use the LMS&rsquo;s own record of who uploaded what.
        </li>
        <li>
          <strong>Answers are in the site&rsquo;s code</strong> and worked solutions are one click away (the table shows who opened them). Use assignments for
          practice and feedback, not as an exam.
        </li>
      </ul>
      <GradeAssignment />
    </main>
  );
}
