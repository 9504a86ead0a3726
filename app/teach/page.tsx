import type { Metadata } from 'next';
import Link from 'next/link';
import { ComposeAssignment } from '@/components/assign/ComposeAssignment';

export const metadata: Metadata = {
  title: 'Make an assignment',
  description: 'Pick exercises from any chapter, add a title, instructions and a due date, and hand out one link.',
};

export default function TeachPage() {
  return (
    <main id="main" className="page prose">
      <h1>Make an assignment</h1>
      <p className="lead">
        Pick exercises from any chapters, describe the assignment, and hand out one link. Everything travels inside the link: no accounts, no server. Or start
        from a chapter&rsquo;s suggested assignment in the <Link href="/teach/guide/">teacher&rsquo;s guide</Link>.
      </p>
      <p>
        What a static site can promise: every answer a student hands in is checked again from the raw answers when you grade, so a score edited inside a file
        counts for nothing; but nothing proves who made a file, and the answers can be found in the site&rsquo;s code. Use assignments for practice and
        feedback, not as an exam.
      </p>
      <ComposeAssignment />
    </main>
  );
}
