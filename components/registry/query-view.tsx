'use client';

import type { ReactNode } from 'react';
import { Button } from '../ui/button';
import { ErrorState, LoadingRows } from '../ui/states';

/** A query's loading and error states, the same on every registry page. */
export function QueryView<T>({
  query,
  what,
  children,
}: {
  query: { isPending: boolean; isError: boolean; error: { message: string } | null; data: T | undefined; refetch: () => unknown };
  what: string;
  children: (data: T) => ReactNode;
}) {
  if (query.isPending) return <LoadingRows label={`Loading ${what}`} />;
  if (query.isError || query.data === undefined) {
    return (
      <ErrorState
        title={`Could not load ${what}`}
        message={query.error?.message}
        action={
          <Button size="sm" onClick={() => query.refetch()}>
            Try again
          </Button>
        }
      />
    );
  }
  return <>{children(query.data)}</>;
}

export const th = 'px-4 py-2 text-left text-xs font-medium text-fg-muted';
export const td = 'px-4 py-2';

/** A metric value as people read it: numbers to four significant digits. */
export function formatMetric(value: unknown): string {
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(4)));
  if (value === null || value === undefined) return '—';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** The scalar metrics of a version (confusion matrices and the like are left out of tables). */
export function scalarMetrics(metrics: Record<string, unknown> | null | undefined): [string, number][] {
  return Object.entries(metrics ?? {}).filter((e): e is [string, number] => typeof e[1] === 'number');
}
