'use client';

import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { Download, ScrollText } from 'lucide-react';
import { useState } from 'react';
import { useTRPC, type RouterOutputs } from '../trpc';
import { Button, buttonClasses } from '../ui/button';
import { Card } from '../ui/card';
import { formatDateTime } from '../ui/format';
import { EmptyState, ErrorState, LoadingRows } from '../ui/states';

type AuditRow = RouterOutputs['audit']['list']['rows'][number];
type Action = RouterOutputs['audit']['actions'][number];

const field = 'h-8 rounded-md border border-line bg-surface px-2 text-sm text-fg';
const th = 'px-4 py-2 text-left text-xs font-medium text-fg-muted';
const td = 'px-4 py-2 align-top';
const PAGE = 50;

interface Filters {
  action: Action | '';
  actor: string;
  from: string;
  to: string;
}
const NO_FILTERS: Filters = { action: '', actor: '', from: '', to: '' };

/** The filters as the API reads them: dates are whole UTC days, `to` included. */
function query(filters: Filters) {
  const nextDay = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 24 * 3600 * 1000).toISOString();
  return {
    action: filters.action || undefined,
    actor: filters.actor.trim() || undefined,
    from: filters.from ? new Date(`${filters.from}T00:00:00Z`).toISOString() : undefined,
    to: filters.to ? nextDay(filters.to) : undefined,
  };
}

const ACTOR_KINDS: Record<string, string> = { user: 'person', token: 'API token', local: 'local', schedule: 'schedule', trigger: 'trigger', system: 'system', anonymous: 'anonymous' };

function detailsText(details: unknown): string {
  if (!details || typeof details !== 'object') return '';
  return Object.entries(details as Record<string, unknown>)
    .filter(([key]) => key !== 'via')
    .map(([key, value]) => `${key}: ${String(value)}`)
    .join(', ');
}

/** Settings → Audit log: who changed what, when and from where; newest first, filterable, exportable as CSV. */
export function AuditPage() {
  const trpc = useTRPC();
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const actions = useQuery(trpc.audit.actions.queryOptions());
  const q = query(filters);
  const events = useInfiniteQuery(
    trpc.audit.list.infiniteQueryOptions(
      { ...q, from: q.from ? new Date(q.from) : undefined, to: q.to ? new Date(q.to) : undefined, limit: PAGE },
      { getNextPageParam: (last) => last.nextCursor ?? undefined, placeholderData: keepPreviousData },
    ),
  );
  const rows: AuditRow[] = events.data?.pages.flatMap((p) => p.rows) ?? [];
  const filtered = Object.values(filters).some(Boolean);
  const csvHref = `/api/v1/audit.csv?${new URLSearchParams(Object.entries(q).filter((e): e is [string, string] => !!e[1])).toString()}`;
  const set = (key: Exclude<keyof Filters, 'action'>, value: string) => setFilters((f) => ({ ...f, [key]: value }));

  return (
    <main className="mx-auto w-full max-w-7xl px-6 py-7">
      <div className="mb-5 flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-xl font-semibold tracking-tight text-fg">Audit log</h1>
          <p className="mt-0.5 text-sm text-fg-muted">Every change that matters in this workspace: who made it, when, to what and from where. Newest first.</p>
        </div>
        <a href={csvHref} download className={buttonClasses('secondary')}>
          <Download aria-hidden />
          Export CSV
        </a>
      </div>

      <form role="search" aria-label="Filter the audit log" className="mb-4 flex flex-wrap items-end gap-3" onSubmit={(e) => e.preventDefault()}>
        <label className="flex flex-col gap-1 text-xs text-fg-muted">
          Action
          <select aria-label="Action" className={field} value={filters.action} onChange={(e) => setFilters((f) => ({ ...f, action: e.target.value as Action | '' }))}>
            <option value="">All actions</option>
            {(actions.data ?? []).map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col gap-1 text-xs text-fg-muted">
          Actor
          <input aria-label="Actor" className={field} value={filters.actor} placeholder="email or token name" onChange={(e) => set('actor', e.target.value)} />
        </label>
        <label className="flex flex-col gap-1 text-xs text-fg-muted">
          From
          <input type="date" aria-label="From" className={field} value={filters.from} max={filters.to || undefined} onChange={(e) => set('from', e.target.value)} />
        </label>
        <label className="flex flex-col gap-1 text-xs text-fg-muted">
          To
          <input type="date" aria-label="To" className={field} value={filters.to} min={filters.from || undefined} onChange={(e) => set('to', e.target.value)} />
        </label>
        {filtered && (
          <Button size="sm" variant="ghost" onClick={() => setFilters(NO_FILTERS)}>
            Clear filters
          </Button>
        )}
      </form>

      <Card>
        {events.isPending ? (
          <div className="p-5">
            <LoadingRows label="Loading the audit log" />
          </div>
        ) : events.isError ? (
          <div className="p-5">
            <ErrorState title="Could not load the audit log" message={events.error.message} action={<Button size="sm" onClick={() => events.refetch()}>Try again</Button>} />
          </div>
        ) : rows.length === 0 ? (
          <EmptyState icon={<ScrollText />} title={filtered ? 'No events match these filters' : 'Nothing recorded yet'}>
            {filtered ? 'Change or clear the filters above.' : 'Saving a pipeline, starting a run or making a token shows here.'}
          </EmptyState>
        ) : (
          <div className="overflow-x-auto">
            <table className="w-full text-sm" aria-label="Audit events">
              <thead>
                <tr className="border-b border-line">
                  <th scope="col" className={th}>Time</th>
                  <th scope="col" className={th}>Actor</th>
                  <th scope="col" className={th}>Action</th>
                  <th scope="col" className={th}>Target</th>
                  <th scope="col" className={th}>Details</th>
                  <th scope="col" className={th}>From</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-line">
                {rows.map((r) => (
                  <tr key={r.id}>
                    <td className={`${td} whitespace-nowrap text-fg-muted tabular-nums`}>{formatDateTime(r.at)}</td>
                    <td className={td}>
                      <span className="font-medium">{r.actorLabel}</span>
                      <span className="block text-xs text-fg-muted">{ACTOR_KINDS[r.actorKind] ?? r.actorKind}</span>
                    </td>
                    <td className={`${td} font-mono text-xs`}>{r.action}</td>
                    <td className={td}>
                      {r.target ? (
                        <>
                          <span className="text-xs text-fg-muted">{r.targetKind} </span>
                          <span className="break-all">{r.target}</span>
                        </>
                      ) : (
                        '—'
                      )}
                    </td>
                    <td className={`${td} text-xs text-fg-muted`}>{detailsText(r.details) || '—'}</td>
                    <td className={`${td} text-xs text-fg-muted`}>
                      {r.ip ?? '—'}
                      {r.userAgent && (
                        <span className="block max-w-56 truncate" title={r.userAgent}>
                          {r.userAgent}
                        </span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
      {events.hasNextPage && (
        <div className="mt-4 flex justify-center">
          <Button onClick={() => events.fetchNextPage()} disabled={events.isFetchingNextPage}>
            {events.isFetchingNextPage ? 'Loading…' : 'Load older events'}
          </Button>
        </div>
      )}
    </main>
  );
}
