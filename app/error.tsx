'use client';

import Link from 'next/link';
import { Button, buttonClasses } from '../components/ui/button';
import { ErrorState } from '../components/ui/states';

export default function RouteError({ error, retry }: { error: unknown; retry: () => void }) {
  return (
    <main className="mx-auto w-full max-w-2xl px-6 py-16">
      <ErrorState
        title="Something went wrong on this page"
        message={error instanceof Error ? error.message : String(error)}
        action={
          <div className="flex gap-2">
            <Button size="sm" onClick={() => retry()}>
              Try again
            </Button>
            <Link href="/" className={buttonClasses('ghost', 'sm')}>
              Back to overview
            </Link>
          </div>
        }
      />
    </main>
  );
}
