import type { Metadata } from 'next';
import { EXERCISES } from '@/content/exercises';
import { Exercise } from '@/components/exercises/Exercise';
import { AssignmentView } from '@/components/assign/AssignmentView';

export const metadata: Metadata = {
  title: 'Assignment',
  description: 'An assignment from your teacher: the exercises in order, with the widgets they need, your progress, and the file to hand in.',
};

/** Every exercise is rendered here at build time (maths included); the link in the address picks which, in its order. */
export default function AssignmentPage() {
  const cards = Object.fromEntries(EXERCISES.map((e) => [e.id, <Exercise key={e.id} id={e.id} />]));
  return (
    <main id="main" className="page prose">
      <AssignmentView cards={cards} />
    </main>
  );
}
