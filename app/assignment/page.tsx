import type { Metadata } from 'next';
import { AssignmentView } from '@/components/assign/AssignmentView';

export const metadata: Metadata = {
  title: 'Assignment',
  description: 'An assignment from your teacher: the exercises in order, your progress, and the file to hand in.',
};

export default function AssignmentPage() {
  return (
    <main id="main" className="page prose">
      <AssignmentView />
    </main>
  );
}
