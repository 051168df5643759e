'use client';

import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import Link from 'next/link';
import { useEffect, useRef, useState } from 'react';
import { useTRPC, useTRPCClient, type RouterOutputs } from '../trpc';
import { Badge } from '../ui/badge';
import { Button } from '../ui/button';
import { Card, CardHeader, CardTitle } from '../ui/card';
import { formatNumber, formatRelative } from '../ui/format';
import { QueryView, formatMetric, td, th } from './query-view';

type Column = RouterOutputs['datasetVersions']['list']['versions'][number]['columns'][number];
const PAGE = 200;
const ROW_HEIGHT = 32;

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
            {(s) => (
              <table className="w-full text-sm" aria-label="Column statistics">
                <thead>
                  <tr className="border-b border-line">
                    <th scope="col" className={th}>Column</th>
                    <th scope="col" className={th}>Type</th>
                    <th scope="col" className={th}>Nulls</th>
                    <th scope="col" className={th}>Distinct</th>
                    <th scope="col" className={th}>Min</th>
                    <th scope="col" className={th}>Max</th>
                    <th scope="col" className={th}>Distribution</th>
                  </tr>
                </thead>
                <tbody>
                  {s.columns.map((c) => {
                    const top = Math.max(1, ...c.histogram.map((b) => b.count));
                    return (
                      <tr key={c.name} className="border-b border-line last:border-0">
                        <th scope="row" className={`${td} text-left font-medium`}>{c.name}</th>
                        <td className={`${td} font-mono text-xs text-fg-muted`}>{c.type}</td>
                        <td className={`${td} tabular-nums`}>{formatNumber(c.nulls)}</td>
                        <td className={`${td} tabular-nums`}>{formatNumber(c.distinct)}</td>
                        <td className={`${td} tabular-nums`}>{formatMetric(c.min)}</td>
                        <td className={`${td} tabular-nums`}>{formatMetric(c.max)}</td>
                        <td className={td}>
                          <div className="flex h-8 items-end gap-px" role="img" aria-label={`Distribution of ${c.name}: ${c.histogram.map((b) => `${b.label} ${b.count}`).join(', ')}`}>
                            {c.histogram.map((b) => (
                              <div key={b.label} title={`${b.label}: ${b.count}`} className="w-3 bg-accent/70" style={{ height: `${(b.count / top) * 100}%` }} />
                            ))}
                          </div>
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            )}
          </QueryView>
        </div>
      </Card>
      <Preview name={name} version={version} rows={rows} columns={columns} />
    </>
  );
}

/** The version's rows, fetched a page at a time as the reader scrolls; only the rows in view are drawn. */
function Preview({ name, version, rows, columns }: { name: string; version: number; rows: number; columns: Column[] }) {
  const client = useTRPCClient();
  const pages = useInfiniteQuery({
    queryKey: ['dataset-preview', name, version],
    queryFn: ({ pageParam }) => client.datasetVersions.preview.query({ name, version, offset: pageParam, limit: PAGE }),
    initialPageParam: 0,
    getNextPageParam: (last) => (last.offset + last.rows.length < last.totalRows ? last.offset + last.limit : undefined),
  });
  const loaded = pages.data?.pages.flatMap((p) => p.rows) ?? [];
  const scroller = useRef<HTMLDivElement>(null);
  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer's functions are read during render by design
  const virtualizer = useVirtualizer({ count: rows, getScrollElement: () => scroller.current, estimateSize: () => ROW_HEIGHT, overscan: 10 });
  const items = virtualizer.getVirtualItems();
  const last = items.at(-1)?.index ?? 0;
  useEffect(() => {
    if (last >= loaded.length - 1 && pages.hasNextPage && !pages.isFetchingNextPage) void pages.fetchNextPage();
  }, [last, loaded.length, pages]);
  const before = items[0]?.start ?? 0;
  const after = virtualizer.getTotalSize() - (items.at(-1)?.end ?? 0);
  return (
    <Card aria-labelledby="preview-title">
      <CardHeader>
        <CardTitle id="preview-title">Preview of version {version}</CardTitle>
        <span className="text-xs text-fg-muted">{formatNumber(rows)} rows; scroll to load more</span>
      </CardHeader>
      {pages.isError ? (
        <p role="alert" className="p-4 text-sm text-bad-strong">
          {pages.error.message}
        </p>
      ) : (
        <div ref={scroller} className="max-h-96 overflow-auto" tabIndex={0} role="region" aria-label={`Rows of ${name} version ${version}`}>
          <table className="w-full text-xs">
            <thead className="sticky top-0 bg-surface">
              <tr className="border-b border-line">
                <th scope="col" className={th}>#</th>
                {columns.map((c) => (
                  <th key={c.name} scope="col" className={`${th} whitespace-nowrap`}>
                    {c.name}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {before > 0 && <tr style={{ height: before }} aria-hidden />}
              {items.map((item) => {
                const row = loaded[item.index] as Record<string, unknown> | undefined;
                return (
                  <tr key={item.key} style={{ height: ROW_HEIGHT }} className="border-b border-line">
                    <td className="px-4 text-fg-subtle tabular-nums">{item.index + 1}</td>
                    {columns.map((c) => (
                      <td key={c.name} className="px-4 whitespace-nowrap tabular-nums">
                        {row ? formatMetric(row[c.name]) : '…'}
                      </td>
                    ))}
                  </tr>
                );
              })}
              {after > 0 && <tr style={{ height: after }} aria-hidden />}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}
