'use client';

import { ErrorActions, ErrorState } from '../components/ui/states';

export default function RouteError({ error, retry }: { error: unknown; retry: () => void }) {
  return (
    <main className="mx-auto w-full max-w-2xl px-6 py-16">
      <ErrorState
        title="Something went wrong on this page"
        message={error instanceof Error ? error.message : String(error)}
        action={<ErrorActions onRetry={() => retry()} />}
      />
    </main>
  );
}
