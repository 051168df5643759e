import type { Metadata } from 'next';
import { Suspense } from 'react';
import { RunsList } from '../../components/runs/runs-list';

export const metadata: Metadata = { title: 'Runs' };

export default function RunsPage() {
  // The list reads its filters from the URL.
  return (
    <Suspense>
      <RunsList />
    </Suspense>
  );
}
