'use client';

import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { GitCompare, History } from 'lucide-react';
import Link from 'next/link';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useMemo, useState } from 'react';
import type { RunStatus } from '../../workflows/core/plan';
import { useTRPC, type RouterOutputs } from '../trpc';
import { Button } from '../ui/button';
import { Card } from '../ui/card';
import { formatDateTime, formatRelative } from '../ui/format';
import { EmptyState, ErrorState, LoadingRows } from '../ui/states';
import { StatusBadge } from '../ui/status-badge';
import { GateBlockedBadge } from './not-deployed';

// Every run, newest first: filters live in the URL (so a filtered list can be shared or reloaded),
// pages come by keyset cursor, and two or more runs of one pipeline can be picked to compare.

const STATUSES: RunStatus[] = ['queued', 'running', 'succeeded', 'failed', 'cancelled'];
const PAGE = 50;

type RunRow = RouterOutputs['runs']['page']['runs'][number];

export interface RunFilters {
  pipeline?: string;
  status?: RunStatus;
  trigger?: string;
  from?: string;
  to?: string;
}

function filtersOf(params: URLSearchParams): RunFilters {
  const get = (k: string) => params.get(k) || undefined;
  const status = get('status');
  return {
    pipeline: get('pipeline'),
    status: STATUSES.includes(status as RunStatus) ? (status as RunStatus) : undefined,
    trigger: get('trigger'),
    from: get('from'),
    to: get('to'),
  };
}

export function formatMs(ms: number | null): string {
  if (ms === null) return '—';
  if (ms < 1000) return `${ms} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${Math.round(s % 60)} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

const field = 'h-8 rounded-md border border-line bg-surface px-2 text-sm text-fg';
const th = 'px-4 py-2 text-left text-xs font-medium text-fg-muted';
const td = 'px-4 py-2';

export function RunsList() {
  const trpc = useTRPC();
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const filters = useMemo(() => filtersOf(new URLSearchParams(params.toString())), [params]);
  const [selected, setSelected] = useState<string[]>([]);
  // Filters change the URL in place (no server round trip; Next keeps useSearchParams in step), each
  // change building on the URL as it is now, so quick successive changes all stick.
  const setQuery = (next: URLSearchParams) => {
    setSelected([]);
    window.history.replaceState(null, '', next.size ? `${pathname}?${next.toString()}` : pathname);
  };
  const setFilter = (key: keyof RunFilters, value: string) => {
    const next = new URLSearchParams(window.location.search);
    if (value) next.set(key, value);
    else next.delete(key);
    setQuery(next);
  };
  const clearFilters = () => setQuery(new URLSearchParams());

  const pipelines = useQuery(trpc.pipelines.list.queryOptions());
  const triggers = useQuery(trpc.runs.triggers.queryOptions());
  const input = {
    pipeline: filters.pipeline,
    status: filters.status ? [filters.status] : undefined,
    trigger: filters.trigger,
    from: filters.from,
    to: filters.to,
    limit: PAGE,
  };
  const runs = useInfiniteQuery(
    trpc.runs.page.infiniteQueryOptions(input, {
      getNextPageParam: (last) => last.nextCursor ?? undefined,
      refetchInterval: 5000,
      // Changing a filter keeps the old rows on screen until the new ones arrive.
      placeholderData: keepPreviousData,
    }),
  );
  const rows: RunRow[] = runs.data?.pages.flatMap((p) => p.runs) ?? [];
  const chosen = rows.filter((r) => selected.includes(r.runId));
  const onePipeline = new Set(chosen.map((r) => r.pipeline)).size <= 1;
  const canCompare = selected.length >= 2 && onePipeline;

  const toggle = (id: string) => setSelected((s) => (s.includes(id) ? s.filter((x) => x !== id) : [...s, id]));

  return (
    <main className="mx-auto w-full max-w-7xl px-6 py-7">
      <div className="mb-5 flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-xl font-semibold tracking-tight text-fg">Runs</h1>
          <p className="mt-0.5 text-sm text-fg-muted">Every run, newest first. Pick two or more runs of a pipeline to compare them.</p>
        </div>
        <div className="flex items-center gap-3">
          {!onePipeline && <p className="text-xs text-bad-strong">Only runs of one pipeline can be compared.</p>}
          <Button
            variant="primary"
            disabled={!canCompare}
            onClick={() => router.push(`/runs/compare?ids=${selected.join(',')}`)}
          >
            <GitCompare aria-hidden />
            Compare{selected.length ? ` (${selected.length})` : ''}
          </Button>
        </div>
      </div>

      {/* Each control is named by aria-label: a label wrapping a select would also count its options' text. */}
      <form role="search" aria-label="Filter runs" className="mb-4 flex flex-wrap items-end gap-3" onSubmit={(e) => e.preventDefault()}>
        <label className="flex flex-col gap-1 text-xs text-fg-muted">
          Pipeline
          <select aria-label="Pipeline" className={field} value={filters.pipeline ?? ''} onChange={(e) => setFilter('pipeline', e.target.value)}>
            <option value="">All pipelines</option>
            {(pipelines.data ?? []).map((p) => (
              <option key={p.name} value={p.name}>
                {p.name}
              </option>
            ))}
            {filters.pipeline && !pipelines.data?.some((p) => p.name === filters.pipeline) && <option value={filters.pipeline}>{filters.pipeline}</option>}
          </select>
        </label>
        <label className="flex flex-col gap-1 text-xs text-fg-muted">
          Status
          <select aria-label="Status" className={field} value={filters.status ?? ''} onChange={(e) => setFilter('status', e.target.value)}>
            <option value="">Any status</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col gap-1 text-xs text-fg-muted">
          Trigger
          <select aria-label="Trigger" className={field} value={filters.trigger ?? ''} onChange={(e) => setFilter('trigger', e.target.value)}>
            <option value="">Any trigger</option>
            {[...new Set([...(triggers.data ?? []), ...(filters.trigger ? [filters.trigger] : [])])].map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col gap-1 text-xs text-fg-muted">
          From
          <input type="date" aria-label="From" className={field} value={filters.from ?? ''} max={filters.to} onChange={(e) => setFilter('from', e.target.value)} />
        </label>
        <label className="flex flex-col gap-1 text-xs text-fg-muted">
          To
          <input type="date" aria-label="To" className={field} value={filters.to ?? ''} min={filters.from} onChange={(e) => setFilter('to', e.target.value)} />
        </label>
        {Object.values(filters).some(Boolean) && (
          <Button size="sm" variant="ghost" onClick={clearFilters}>
            Clear filters
          </Button>
        )}
      </form>

      <Card>
        {runs.isPending ? (
          <div className="p-5">
            <LoadingRows label="Loading runs" />
          </div>
        ) : runs.isError ? (
          <div className="p-5">
            <ErrorState title="Could not load runs" message={runs.error.message} action={<Button size="sm" onClick={() => runs.refetch()}>Try again</Button>} />
          </div>
        ) : rows.length === 0 ? (
          <EmptyState icon={<History />} title={Object.values(filters).some(Boolean) ? 'No runs match these filters' : 'No runs yet'}>
            {Object.values(filters).some(Boolean) ? 'Change or clear the filters above.' : 'Open a pipeline and press Run; its runs show here.'}
          </EmptyState>
        ) : (
          <table className="w-full text-sm" aria-label="Runs">
            <thead>
              <tr className="border-b border-line">
                <th scope="col" className={`${th} w-10`}>
                  <span className="sr-only">Select</span>
                </th>
                <th scope="col" className={th}>Status</th>
                <th scope="col" className={th}>Pipeline</th>
                <th scope="col" className={th}>Version</th>
                <th scope="col" className={th}>Trigger</th>
                <th scope="col" className={th}>Run</th>
                <th scope="col" className={th}>Started</th>
                <th scope="col" className={`${th} text-right`}>Duration</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.runId} className="border-b border-line last:border-0 hover:bg-app">
                  <td className={td}>
                    <input
                      type="checkbox"
                      aria-label={`Select run ${r.runId.slice(0, 8)} of ${r.pipeline}`}
                      checked={selected.includes(r.runId)}
                      onChange={() => toggle(r.runId)}
                    />
                  </td>
                  <td className={td}>
                    <span className="inline-flex flex-wrap items-center gap-1.5">
                      <StatusBadge status={r.status} />
                      {r.gateBlocked && <GateBlockedBadge />}
                    </span>
                  </td>
                  <td className={`${td} font-medium`}>{r.pipeline}</td>
                  <td className={`${td} text-fg-muted tabular-nums`}>v{r.version}</td>
                  <td className={`${td} text-fg-muted`}>{r.previewUpTo ? `preview up to ${r.previewUpTo}` : r.trigger}</td>
                  <td className={td}>
                    <Link href={`/runs/${r.runId}`} className="font-mono text-xs text-accent-strong hover:underline">
                      {r.runId.slice(0, 8)}
                    </Link>
                  </td>
                  <td className={`${td} text-xs whitespace-nowrap text-fg-muted`} title={formatDateTime(r.createdAt)}>
                    {formatRelative(r.createdAt)}
                  </td>
                  <td className={`${td} text-right text-xs tabular-nums text-fg-muted`}>{formatMs(r.durationMs)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
      {runs.hasNextPage && (
        <div className="mt-4 flex justify-center">
          <Button onClick={() => runs.fetchNextPage()} disabled={runs.isFetchingNextPage}>
            {runs.isFetchingNextPage ? 'Loading…' : 'Load more runs'}
          </Button>
        </div>
      )}
    </main>
  );
}
