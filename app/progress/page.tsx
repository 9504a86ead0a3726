import type { Metadata } from 'next';
import { ProgressBoard } from '@/components/exercises/ProgressBoard';

export const metadata: Metadata = {
  title: 'Your progress',
  description: 'The exercises you have tried and solved in each chapter, kept in this browser, with export and import as a file.',
};

export default function ProgressPage() {
  return (
    <main id="main" className="page prose">
      <h1>Your progress</h1>
      <p className="lead">
        Every exercise you check is kept in this browser, per chapter. Nothing is sent anywhere: to move to another browser or to hand your work in, export it
        as a file and import it there.
      </p>
      <ProgressBoard />
    </main>
  );
}
