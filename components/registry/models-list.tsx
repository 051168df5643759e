'use client';

import { useQuery } from '@tanstack/react-query';
import { Boxes } from 'lucide-react';
import Link from 'next/link';
import { useTRPC } from '../trpc';
import { Badge } from '../ui/badge';
import { Card, CardHeader, CardTitle } from '../ui/card';
import { formatRelative } from '../ui/format';
import { EmptyState } from '../ui/states';
import { QueryView, formatMetric, scalarMetrics, td, th } from './query-view';

export function ModelsList() {
  const trpc = useTRPC();
  const models = useQuery(trpc.models.list.queryOptions());
  return (
    <main className="mx-auto w-full max-w-7xl px-6 py-7">
      <h1 className="mb-5 text-xl font-semibold tracking-tight text-fg">Models</h1>
      <Card aria-labelledby="models-title">
        <CardHeader>
          <CardTitle id="models-title">
            <Boxes aria-hidden />
            Registered models
          </CardTitle>
        </CardHeader>
        <div className="p-4">
          <QueryView query={models} what="models">
            {(rows) =>
              rows.length === 0 ? (
                <EmptyState icon={<Boxes />} title="No models yet">
                  Every train step of a pipeline run registers a model version here.
                </EmptyState>
              ) : (
                <table className="w-full text-sm">
                  <thead>
                    <tr className="border-b border-line">
                      <th scope="col" className={th}>Model</th>
                      <th scope="col" className={th}>Latest</th>
                      <th scope="col" className={th}>Task</th>
                      <th scope="col" className={th}>Metrics</th>
                      <th scope="col" className={th}>Aliases</th>
                      <th scope="col" className={`${th} text-right`}>Trained</th>
                    </tr>
                  </thead>
                  <tbody>
                    {rows.map((m) => (
                      <tr key={m.name} className="border-b border-line last:border-0">
                        <td className={td}>
                          <Link href={`/models/${m.name}`} className="font-medium text-accent-strong hover:underline">
                            {m.name}
                          </Link>
                        </td>
                        <td className={`${td} tabular-nums`}>
                          <Link href={`/models/${m.name}/${m.latest.version}`} className="hover:underline" aria-label={`${m.name} version ${m.latest.version}`}>
                            v{m.latest.version}
                          </Link>{' '}
                          <span className="text-xs text-fg-muted">of {m.versions}</span>
                        </td>
                        <td className={`${td} text-fg-muted`}>
                          {m.latest.algorithm} {m.latest.task}
                          {m.latest.target && <> of {m.latest.target}</>}
                        </td>
                        <td className={`${td} text-xs text-fg-muted`}>
                          {scalarMetrics(m.latest.metrics)
                            .slice(0, 3)
                            .map(([k, v]) => `${k} ${formatMetric(v)}`)
                            .join(' · ') || '—'}
                        </td>
                        <td className={td}>
                          <span className="flex flex-wrap gap-1">
                            {Object.entries(m.aliases).map(([alias, v]) => (
                              <Badge key={alias} tone={alias === 'production' ? 'ok' : alias === 'staging' ? 'accent' : 'neutral'}>
                                {alias}: v{v}
                              </Badge>
                            ))}
                          </span>
                        </td>
                        <td className={`${td} text-right text-xs whitespace-nowrap text-fg-muted`}>{formatRelative(m.latest.createdAt)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )
            }
          </QueryView>
        </div>
      </Card>
    </main>
  );
}
