'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { History, Undo2 } from 'lucide-react';
import Link from 'next/link';
import { useTRPC } from '../trpc';
import { EndpointAccess } from './endpoint-access';
import { EndpointMetrics } from './endpoint-metrics';
import { TryIt } from './try-it';
import { Badge } from '../ui/badge';
import { Button } from '../ui/button';
import { Card, CardHeader, CardTitle } from '../ui/card';
import { formatDateTime } from '../ui/format';
import { EmptyState, ErrorActions, ErrorState, LoadingRows } from '../ui/states';
import { useRole } from '../auth/use-role';

// An endpoint: what each slot serves, its metrics, its history, and a one-click rollback to any version it served.

const th = 'px-4 py-2 text-left text-xs font-medium text-fg-muted';
const td = 'px-4 py-2 align-top';
const KIND_LABEL = { promotion: 'Promotion', rollback: 'Rollback', takeover: 'Takeover' } as const;

export function EndpointPage({ name }: { name: string }) {
  const deploying = useRole().can('deployer');
  const trpc = useTRPC();
  const qc = useQueryClient();
  const history = useQuery(trpc.endpoints.history.queryOptions({ name, limit: 200 }));
  const rollback = useMutation(
    trpc.endpoints.rollback.mutationOptions({
      onSettled: () => qc.invalidateQueries({ queryKey: trpc.endpoints.pathKey() }),
    }),
  );

  if (history.isPending) return <Shell name={name}><LoadingRows label="Loading the endpoint" /></Shell>;
  if (history.isError) {
    return (
      <Shell name={name}>
        <ErrorState title={`Endpoint "${name}" could not be loaded`} message={history.error.message} action={<ErrorActions onRetry={() => history.refetch()} />} />
      </Shell>
    );
  }
  const events = history.data.events;
  // Events are appended as the slots change: the newest event of a slot says what it serves.
  const serving = (slot: 'production' | 'staging') => events.find((e) => e.slot === slot)?.to;
  const production = serving('production');
  const staging = serving('staging');
  // Each version a slot served once, newest first: the versions it can roll back to.
  const servedIn = (slot: 'production' | 'staging') => [...new Map(events.filter((e) => e.slot === slot).map((e) => [e.to.modelVersionId, e.to])).values()];
  const served = [
    ...servedIn('production').map((v) => ({ ...v, slot: 'production' as const, current: v.modelVersionId === production?.modelVersionId })),
    ...servedIn('staging').map((v) => ({ ...v, slot: 'staging' as const, current: v.modelVersionId === staging?.modelVersionId })),
  ];

  return (
    <Shell name={name}>
      <dl className="grid grid-cols-2 gap-4 text-sm">
        <div>
          <dt className="text-fg-muted">Production</dt>
          <dd className="font-medium text-fg">{production ? <VersionLink v={production} /> : '—'}</dd>
        </div>
        <div>
          <dt className="text-fg-muted">Staging</dt>
          <dd className="font-medium text-fg">{staging ? <VersionLink v={staging} /> : 'empty'}</dd>
        </div>
      </dl>
      {rollback.isError && <ErrorState className="mt-4" title="Rollback refused" message={rollback.error.message} />}

      <Card aria-labelledby="versions-title" className="mt-6">
        <CardHeader>
          <CardTitle id="versions-title">
            <Undo2 aria-hidden />
            Versions served
          </CardTitle>
        </CardHeader>
        <ul className="divide-y divide-line">
          {served.map((v) => (
            <li key={`${v.slot}:${v.modelVersionId}`} className="flex items-center gap-2 px-5 py-3 text-sm">
              <span className="font-medium text-fg">
                <VersionLink v={v} />
              </span>
              {v.slot === 'staging' && !v.current && <span className="text-xs text-fg-muted">staging</span>}
              {v.current ? (
                <Badge tone="accent">in {v.slot}</Badge>
              ) : (
                <Button
                  size="sm"
                  className="ml-auto"
                  disabled={rollback.isPending || !deploying.allowed}
                  title={deploying.reason}
                  onClick={() => rollback.mutate({ name, modelVersionId: v.modelVersionId, slot: v.slot })}
                >
                  Roll back {v.slot === 'staging' ? 'staging ' : ''}to {v.model} v{v.version}
                </Button>
              )}
            </li>
          ))}
        </ul>
      </Card>

      <EndpointMetrics name={name} />

      <TryIt name={name} />

      <EndpointAccess name={name} />

      <Card aria-labelledby="history-title" className="mt-6">
        <CardHeader>
          <CardTitle id="history-title">
            <History aria-hidden />
            History
          </CardTitle>
        </CardHeader>
        {events.length === 0 ? (
          <EmptyState title="No events" />
        ) : (
          <table className="w-full text-sm">
            <caption className="sr-only">Endpoint history, newest first</caption>
            <thead>
              <tr>
                <th className={th}>When</th>
                <th className={th}>Event</th>
                <th className={th}>Slot</th>
                <th className={th}>Model</th>
                <th className={th}>By</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-line">
              {events.map((e) => (
                <tr key={e.id}>
                  <td className={td}>{formatDateTime(e.createdAt)}</td>
                  <td className={td}>{KIND_LABEL[e.kind]}</td>
                  <td className={td}>{e.slot}</td>
                  <td className={td}>
                    {e.from && e.from.modelVersionId !== e.to.modelVersionId && (
                      <>
                        <VersionLink v={e.from} /> →{' '}
                      </>
                    )}
                    <VersionLink v={e.to} />
                    {e.from?.modelVersionId === e.to.modelVersionId && <span className="ml-1 text-fg-muted">(unchanged: already served)</span>}
                  </td>
                  <td className={td}>
                    {e.runId ? <Link href={`/runs/${e.runId}`} className="text-accent hover:underline">run {e.runId.slice(0, 8)}</Link> : e.actor}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
    </Shell>
  );
}

/** A model version, linked to its page in the registry. */
function VersionLink({ v }: { v: { model: string; version: number } }) {
  return (
    <Link href={`/models/${encodeURIComponent(v.model)}/${v.version}`} className="text-accent-strong hover:underline">
      {v.model} v{v.version}
    </Link>
  );
}

function Shell({ name, children }: { name: string; children: React.ReactNode }) {
  return (
    <main className="mx-auto max-w-5xl px-6 py-8">
      <h1 className="text-xl font-semibold text-fg">Endpoint {name}</h1>
      <p className="mt-1 mb-6 text-sm text-fg-muted">
        <code className="font-mono text-xs">POST /api/v1/endpoints/{name}/predict</code> (staging: <code className="font-mono text-xs">?slot=staging</code>)
      </p>
      {children}
    </main>
  );
}
