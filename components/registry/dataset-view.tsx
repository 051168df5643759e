'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useState } from 'react';
import { ColumnStatsTable } from '../data/column-stats';
import { TablePreview } from '../data/table-preview';
import { useTRPC, useTRPCClient, type RouterOutputs } from '../trpc';
import { Badge } from '../ui/badge';
import { Button } from '../ui/button';
import { Card, CardHeader, CardTitle } from '../ui/card';
import { formatNumber, formatRelative } from '../ui/format';
import { QueryView, td, th } from './query-view';

type Column = RouterOutputs['datasetVersions']['list']['versions'][number]['columns'][number];

export function DatasetView({ name, version: asked }: { name: string; version?: number }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const versions = useQuery(trpc.datasetVersions.list.queryOptions({ name }));
  const [chosen, setChosen] = useState<number | undefined>(asked);
  const setLatest = useMutation(
    trpc.datasetVersions.setLatest.mutationOptions({
      onSuccess: () =>
        Promise.all([
          queryClient.invalidateQueries({ queryKey: trpc.datasetVersions.list.queryKey({ name }) }),
          queryClient.invalidateQueries({ queryKey: trpc.datasets.list.queryKey() }),
        ]),
    }),
  );
  return (
    <main className="mx-auto w-full max-w-7xl space-y-5 px-6 py-7">
      <div>
        <Link href="/datasets" className="text-xs text-accent-strong hover:underline">
          Datasets
        </Link>
        <h1 className="text-xl font-semibold tracking-tight text-fg">{name}</h1>
      </div>
      <QueryView query={versions} what="the dataset">
        {(d) => {
          const shown = d.versions.find((v) => v.version === (chosen ?? d.latestVersion)) ?? d.versions.at(-1)!;
          return (
            <>
              <Card aria-labelledby="versions-title">
                <CardHeader>
                  <CardTitle id="versions-title">Versions</CardTitle>
                  <span className="text-xs text-fg-muted">Runs that load {name} without a version get the latest</span>
                </CardHeader>
                <table className="w-full text-sm">
                  <thead>
                    <tr className="border-b border-line">
                      <th scope="col" className={th}>Version</th>
                      <th scope="col" className={th}>Rows</th>
                      <th scope="col" className={th}>Columns</th>
                      <th scope="col" className={th}>Format</th>
                      <th scope="col" className={th}>Created</th>
                      <th scope="col" className={th}>Latest</th>
                    </tr>
                  </thead>
                  <tbody>
                    {[...d.versions].reverse().map((v) => (
                      <tr key={v.version} className={`border-b border-line last:border-0 ${v.version === shown.version ? 'bg-accent-soft/40' : ''}`}>
                        <td className={td}>
                          <button
                            type="button"
                            className="font-medium text-accent-strong hover:underline"
                            aria-pressed={v.version === shown.version}
                            onClick={() => setChosen(v.version)}
                          >
                            Version {v.version}
                          </button>
                        </td>
                        <td className={`${td} tabular-nums`}>{formatNumber(v.rows)}</td>
                        <td className={`${td} text-fg-muted`}>{v.columns.length}</td>
                        <td className={`${td} text-fg-muted`}>{v.sourceFormat}</td>
                        <td className={`${td} text-xs text-fg-muted`}>{formatRelative(v.createdAt)}</td>
                        <td className={td}>
                          {v.latest ? (
                            <Badge tone="ok">latest</Badge>
                          ) : (
                            <Button size="sm" disabled={setLatest.isPending} onClick={() => setLatest.mutate({ name, version: v.version })} aria-label={`Make version ${v.version} latest`}>
                              Make latest
                            </Button>
                          )}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
                {setLatest.isError && (
                  <p role="alert" className="px-4 py-2 text-sm text-bad-strong">
                    {setLatest.error.message}
                  </p>
                )}
              </Card>
              <VersionDetail key={shown.version} name={name} version={shown.version} rows={shown.rows} columns={shown.columns} />
            </>
          );
        }}
      </QueryView>
    </main>
  );
}

function VersionDetail({ name, version, rows, columns }: { name: string; version: number; rows: number; columns: Column[] }) {
  const trpc = useTRPC();
  const stats = useQuery(trpc.datasetVersions.stats.queryOptions({ name, version }));
  const models = useQuery(trpc.datasetVersions.models.queryOptions({ name, version }));
  return (
    <>
      <Card aria-labelledby="trained-title">
        <CardHeader>
          <CardTitle id="trained-title">Models trained on version {version}</CardTitle>
        </CardHeader>
        <div className="p-4 text-sm">
          <QueryView query={models} what="the models">
            {(list) =>
              list.length === 0 ? (
                <p className="text-fg-muted">No model was trained on this version.</p>
              ) : (
                <ul className="flex flex-wrap gap-3">
                  {list.map((m) => (
                    <li key={`${m.name}@${m.version}`}>
                      <Link href={`/models/${m.name}/${m.version}`} className="text-accent-strong hover:underline">
                        {m.name} v{m.version}
                      </Link>
                    </li>
                  ))}
                </ul>
              )
            }
          </QueryView>
        </div>
      </Card>
      <Card aria-labelledby="stats-title">
        <CardHeader>
          <CardTitle id="stats-title">Schema and column statistics of version {version}</CardTitle>
          <span className="text-xs text-fg-muted">{formatNumber(rows)} rows</span>
        </CardHeader>
        <div className="overflow-x-auto">
          <QueryView query={stats} what="the statistics">
            {(s) => <ColumnStatsTable columns={s.columns} />}
          </QueryView>
        </div>
      </Card>
      <Preview name={name} version={version} rows={rows} columns={columns} />
    </>
  );
}

/** The version's rows, fetched a page at a time as the reader scrolls. */
function Preview({ name, version, rows, columns }: { name: string; version: number; rows: number; columns: Column[] }) {
  const client = useTRPCClient();
  return (
    <Card aria-labelledby="preview-title">
      <CardHeader>
        <CardTitle id="preview-title">Preview of version {version}</CardTitle>
        <span className="text-xs text-fg-muted">{formatNumber(rows)} rows; scroll to load more</span>
      </CardHeader>
      <TablePreview
        queryKey={['dataset-preview', name, version]}
        fetchPage={(offset, limit) => client.datasetVersions.preview.query({ name, version, offset, limit })}
        rows={rows}
        columns={columns}
        label={`Rows of ${name} version ${version}`}
      />
    </Card>
  );
}
