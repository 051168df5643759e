'use client';

import { useQuery } from '@tanstack/react-query';
import { ArrowLeft, History } from 'lucide-react';
import Link from 'next/link';
import { usePathname, useRouter } from 'next/navigation';
import { useMemo, useState } from 'react';
import { describeDiff, diffDocuments } from '../../workflows/core/document-diff';
import { useTRPC } from '../trpc';
import { Badge } from '../ui/badge';
import { buttonClasses } from '../ui/button';
import { Card, CardHeader, CardTitle } from '../ui/card';
import { formatDateTime, formatRelative } from '../ui/format';
import { EmptyState, ErrorActions, ErrorState, LoadingRows } from '../ui/states';
import { DiffLines } from './diff-lines';
import { DiffGraph } from './diff-graph';

const th = 'px-4 py-2 text-left text-xs font-medium text-fg-muted';
const td = 'px-4 py-2 align-top';

/** A pipeline's versions (who, when, what they said) and what changed between any two of them. */
export function VersionsPage({ name, from, to }: { name: string; from?: number; to?: number }) {
  const trpc = useTRPC();
  const list = useQuery(trpc.pipelineVersions.list.queryOptions({ name }));
  if (list.isPending) return <Shell name={name}><LoadingRows label="Loading versions" /></Shell>;
  if (list.isError) {
    return (
      <Shell name={name}>
        <ErrorState title="The versions could not be loaded" message={list.error.message} action={<ErrorActions onRetry={() => list.refetch()} />} />
      </Shell>
    );
  }
  const { versions, latestVersion } = list.data;
  const known = (v: number | undefined) => (v !== undefined && versions.some((x) => x.version === v) ? v : undefined);
  return (
    <Shell name={name}>
      <Card aria-labelledby="versions-title">
        <CardHeader>
          <CardTitle id="versions-title">
            <History aria-hidden />
            {versions.length} version{versions.length === 1 ? '' : 's'}
          </CardTitle>
        </CardHeader>
        <table className="w-full text-sm">
          <caption className="sr-only">Versions of {name}, newest first</caption>
          <thead className="border-b border-line">
            <tr>
              <th className={th}>Version</th>
              <th className={th}>Author</th>
              <th className={th}>Saved</th>
              <th className={th}>Message</th>
              <th className={th}>Steps</th>
              <th className={th}>
                <span className="sr-only">Open</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {versions.map((v) => (
              <tr key={v.version} className="border-t border-line first:border-t-0">
                <th scope="row" className={`${td} text-left font-medium whitespace-nowrap`}>
                  Version {v.version}
                  {v.version === latestVersion && (
                    <Badge tone="accent" className="ml-2">
                      latest
                    </Badge>
                  )}
                </th>
                <td className={td}>{v.author}</td>
                <td className={`${td} whitespace-nowrap`}>
                  <time dateTime={new Date(v.createdAt).toISOString()}>{formatRelative(v.createdAt)}</time>
                  <span className="block text-xs text-fg-subtle">{formatDateTime(v.createdAt)}</span>
                </td>
                <td className={`${td} max-w-md break-words`}>{v.message ?? <span className="text-fg-subtle">—</span>}</td>
                <td className={`${td} tabular-nums`}>{v.nodeCount}</td>
                <td className={`${td} text-right`}>
                  <Link
                    href={v.version === latestVersion ? `/pipelines/${name}` : `/pipelines/${name}?version=${v.version}`}
                    aria-label={`Open version ${v.version}`}
                    className="font-medium text-accent-strong hover:underline"
                  >
                    Open
                  </Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
      {versions.length > 1 ? (
        <Compare
          name={name}
          versions={versions.map((v) => v.version)}
          initialFrom={known(from) ?? versions[1]!.version}
          initialTo={known(to) ?? latestVersion}
        />
      ) : (
        <EmptyState title="Nothing to compare yet">Each save makes a version; with two, this page shows what changed between them.</EmptyState>
      )}
    </Shell>
  );
}

function Compare({ name, versions, initialFrom, initialTo }: { name: string; versions: number[]; initialFrom: number; initialTo: number }) {
  const trpc = useTRPC();
  const router = useRouter();
  const pathname = usePathname();
  const [pick, setPick] = useState({ from: initialFrom, to: initialTo });
  const older = useQuery(trpc.pipelines.get.queryOptions({ name, version: pick.from }));
  const newer = useQuery(trpc.pipelines.get.queryOptions({ name, version: pick.to }));
  const diff = useMemo(
    () => (older.data && newer.data ? diffDocuments(older.data.document, newer.data.document) : undefined),
    [older.data, newer.data],
  );
  const lines = useMemo(() => (diff ? describeDiff(diff) : []), [diff]);

  const choose = (next: { from: number; to: number }) => {
    setPick(next);
    // The pair is in the address, so a comparison can be shared.
    router.replace(`${pathname}?from=${next.from}&to=${next.to}`, { scroll: false });
  };
  const picker = (id: 'from' | 'to', label: string) => (
    <div className="flex items-center gap-1.5">
      <label htmlFor={`compare-${id}`} className="text-xs text-fg-muted">
        {label}
      </label>
      <select
        id={`compare-${id}`}
        value={pick[id]}
        onChange={(e) => choose({ ...pick, [id]: Number(e.target.value) })}
        className="h-8 rounded-md border border-line-strong bg-surface px-1.5 text-sm"
      >
        {versions.map((v) => (
          <option key={v} value={v}>
            Version {v}
          </option>
        ))}
      </select>
    </div>
  );

  const failed = older.error ?? newer.error;
  return (
    <Card aria-labelledby="compare-title" className="mt-6">
      <CardHeader>
        <CardTitle id="compare-title">Compare versions</CardTitle>
        <div className="flex items-center gap-3">
          {picker('from', 'From')}
          {picker('to', 'To')}
        </div>
      </CardHeader>
      {failed ? (
        <ErrorState className="m-5" title="A version could not be loaded" message={failed.message} />
      ) : !diff || !older.data || !newer.data ? (
        <LoadingRows label="Loading the two versions" />
      ) : (
        <>
          <div className="px-5 py-4">
            <h3 className="mb-2 text-sm font-medium text-fg">
              Changes from version {pick.from} to version {pick.to}
            </h3>
            <DiffLines lines={lines} label={`Changes from version ${pick.from} to version ${pick.to}`} />
          </div>
          <div className="h-[480px] border-t border-line bg-app">
            <DiffGraph
              key={`${pick.from}-${pick.to}`}
              older={older.data.document}
              newer={newer.data.document}
              diff={diff}
              label={`Changes from version ${pick.from} to version ${pick.to} on the canvas`}
            />
          </div>
        </>
      )}
    </Card>
  );
}

function Shell({ name, children }: { name: string; children: React.ReactNode }) {
  return (
    <main className="mx-auto max-w-6xl px-6 py-8">
      <div className="flex items-center gap-3">
        <Link href={`/pipelines/${name}`} aria-label={`Back to the editor of ${name}`} className={buttonClasses('ghost', 'icon')}>
          <ArrowLeft aria-hidden />
        </Link>
        <h1 className="text-xl font-semibold text-fg">Versions of {name}</h1>
      </div>
      <p className="mt-1 mb-6 text-sm text-fg-muted">Every save is a version: who saved it, when, and what they said about it.</p>
      {children}
    </main>
  );
}
