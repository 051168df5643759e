'use client';

import { useQuery } from '@tanstack/react-query';
import { CalendarClock, Database, History, Plus, Server, Workflow } from 'lucide-react';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState, type ReactNode } from 'react';
import { PIPELINE_NAME } from '../../workflows/core/document';
import { useTRPC } from '../trpc';
import { Badge } from '../ui/badge';
import { Button } from '../ui/button';
import { Card, CardHeader, CardTitle } from '../ui/card';
import { formatNumber, formatRelative } from '../ui/format';
import { EmptyState, ErrorState, LoadingRows } from '../ui/states';
import { StatusBadge } from '../ui/status-badge';
import { pipelineNameProblem, suggestPipelineName } from './pipeline-name';
import { NewFromTemplateButton } from './new-pipeline-dialog';
import { GateBlockedBadge } from '../runs/not-deployed';
import { GATE_BLOCKED_TEXT } from '../../workflows/core/deployment';
import { UploadDatasetButton } from '../datasets/upload-dialog';
import { PipelineNameHint } from './pipeline-name-hint';

/** Renders a query's three states the same way everywhere on the overview. */
function QueryBody<T>({
  query,
  what,
  empty,
  children,
}: {
  query: { isPending: boolean; isError: boolean; error: { message: string } | null; data: T[] | undefined; refetch: () => unknown };
  what: string;
  empty: ReactNode;
  children: (rows: T[]) => ReactNode;
}) {
  if (query.isPending) {
    return (
      <div className="p-5">
        <LoadingRows label={`Loading ${what}`} />
      </div>
    );
  }
  if (query.isError) {
    return (
      <div className="p-5">
        <ErrorState
          title={`Could not load ${what}`}
          message={query.error?.message}
          action={
            <Button size="sm" onClick={() => query.refetch()}>
              Try again
            </Button>
          }
        />
      </div>
    );
  }
  const rows = query.data ?? [];
  return rows.length === 0 ? empty : children(rows);
}

const th = 'px-5 py-2 text-left text-xs font-medium text-fg-muted';
const td = 'px-5 py-2.5';

export function Dashboard() {
  const trpc = useTRPC();
  const pipelines = useQuery(trpc.pipelines.list.queryOptions(undefined, { refetchInterval: 5000 }));
  const runs = useQuery(trpc.runs.list.queryOptions({ limit: 8 }, { refetchInterval: 3000 }));
  const datasets = useQuery(trpc.datasets.list.queryOptions());
  const endpoints = useQuery(trpc.endpoints.list.queryOptions());

  return (
    <main className="mx-auto w-full max-w-7xl px-6 py-7">
      <div className="mb-6 flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-xl font-semibold tracking-tight text-fg">Overview</h1>
          <p className="mt-0.5 text-sm text-fg-muted">Pipelines you can open and run, the data they read and the models they serve.</p>
        </div>
        <div className="flex items-center gap-2">
          <NewPipeline existing={(pipelines.data ?? []).map((p) => p.name)} />
          <NewFromTemplateButton existing={(pipelines.data ?? []).map((p) => p.name)} />
        </div>
      </div>

      <div className="grid gap-5 lg:grid-cols-[minmax(0,1.65fr)_minmax(0,1fr)]">
        <div className="space-y-5">
          <Card aria-labelledby="pipelines-title">
            <CardHeader>
              <CardTitle id="pipelines-title">
                <Workflow aria-hidden />
                Pipelines
              </CardTitle>
              <Link href="/schedules" className="inline-flex items-center gap-1.5 text-xs font-medium text-accent-strong hover:underline">
                <CalendarClock aria-hidden className="size-3.5" />
                Schedules and triggers
              </Link>
            </CardHeader>
            <QueryBody
              query={pipelines}
              what="pipelines"
              empty={
                <EmptyState icon={<Workflow />} title="No pipelines yet">
                  Create one above, or apply a <code className="font-mono text-xs">millrace/v1</code> document with{' '}
                  <code className="font-mono text-xs">millrace apply FILE</code>.
                </EmptyState>
              }
            >
              {(rows) => (
                <table className="w-full text-sm">
                  <thead>
                    <tr className="border-b border-line">
                      <th scope="col" className={th}>Name</th>
                      <th scope="col" className={th}>Version</th>
                      <th scope="col" className={th}>Last run</th>
                      <th scope="col" className={`${th} text-right`}>Updated</th>
                    </tr>
                  </thead>
                  <tbody>
                    {rows.map((p) => (
                      <tr key={p.name} className="border-b border-line last:border-0 hover:bg-app">
                        <td className={td}>
                          <Link href={`/pipelines/${p.name}`} className="font-medium text-accent-strong hover:underline">
                            {p.name}
                          </Link>
                          {p.description && (
                            <p title={p.description} className="mt-0.5 line-clamp-2 max-w-md text-xs text-fg-muted">
                              {p.description}
                            </p>
                          )}
                        </td>
                        <td className={`${td} text-fg-muted tabular-nums`}>v{p.latestVersion}</td>
                        <td className={`${td} whitespace-nowrap`}>
                          {p.lastRun ? (
                            <Link href={`/runs/${p.lastRun.runId}`} className="inline-flex items-center gap-2 hover:underline" aria-label={`Last run of ${p.name}: ${p.lastRun.status}${p.lastRun.gateBlocked ? `, ${GATE_BLOCKED_TEXT}` : ''}, ${formatRelative(p.lastRun.createdAt)}`}>
                              <StatusBadge status={p.lastRun.status} />
                              {p.lastRun.gateBlocked && <GateBlockedBadge />}
                              <span className="text-xs text-fg-muted">{formatRelative(p.lastRun.createdAt)}</span>
                            </Link>
                          ) : (
                            <span className="text-xs text-fg-subtle">Never run</span>
                          )}
                        </td>
                        <td className={`${td} text-right text-xs whitespace-nowrap text-fg-muted`}>{formatRelative(p.updatedAt)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </QueryBody>
          </Card>

          <Card aria-labelledby="runs-title">
            <CardHeader>
              <CardTitle id="runs-title">
                <History aria-hidden />
                Recent runs
              </CardTitle>
              <Link href="/runs" className="ml-auto text-xs font-medium text-accent-strong hover:underline">
                All runs
              </Link>
            </CardHeader>
            <QueryBody
              query={runs}
              what="runs"
              empty={
                <EmptyState icon={<History />} title="No runs yet">
                  Open a pipeline and press Run; its progress shows here.
                </EmptyState>
              }
            >
              {(rows) => (
                <ul className="divide-y divide-line">
                  {rows.map((r) => (
                    <li key={r.runId}>
                      <Link href={`/runs/${r.runId}`} className="flex items-center gap-3 px-5 py-2.5 text-sm hover:bg-app">
                        <StatusBadge status={r.status} />
                        {r.gateBlocked && <GateBlockedBadge />}
                        <span className="font-medium text-fg">{r.pipeline}</span>
                        <span className="text-xs text-fg-muted">v{r.version}</span>
                        <span className="font-mono text-xs text-fg-subtle">{r.runId.slice(0, 8)}</span>
                        <span className="ml-auto text-xs text-fg-muted">{formatRelative(r.createdAt)}</span>
                      </Link>
                    </li>
                  ))}
                </ul>
              )}
            </QueryBody>
          </Card>
        </div>

        <div className="space-y-5">
          <Card aria-labelledby="datasets-title">
            <CardHeader>
              <CardTitle id="datasets-title">
                <Database aria-hidden />
                Datasets
              </CardTitle>
              <UploadDatasetButton size="sm" />
            </CardHeader>
            <QueryBody
              query={datasets}
              what="datasets"
              empty={
                <EmptyState icon={<Database />} title="No datasets yet">
                  Push a CSV, JSON or Parquet file with <code className="font-mono text-xs">millrace dataset push FILE --name N</code>.
                </EmptyState>
              }
            >
              {(rows) => (
                <ul className="divide-y divide-line">
                  {rows.map((d) => (
                    <li key={d.name} className="px-5 py-3">
                      <div className="flex items-baseline gap-2">
                        <Link href={`/datasets/${d.name}`} className="font-medium text-accent-strong hover:underline">
                          {d.name}
                        </Link>
                        <span className="text-xs text-fg-muted">v{d.latestVersion}</span>
                        <span className="ml-auto text-xs text-fg-muted tabular-nums">
                          {formatNumber(d.rows)} rows · {d.columns.length} columns
                        </span>
                      </div>
                      <ul aria-label={`Columns of ${d.name}`} className="mt-1.5 flex flex-wrap gap-1">
                        {d.columns.slice(0, 12).map((c) => (
                          <li key={c.name} className="rounded bg-subtle px-1.5 py-px text-[11px] text-fg-muted" title={c.type}>
                            {c.name}
                          </li>
                        ))}
                        {d.columns.length > 12 && <li className="text-[11px] text-fg-subtle">+{d.columns.length - 12} more</li>}
                      </ul>
                    </li>
                  ))}
                </ul>
              )}
            </QueryBody>
          </Card>

          <Card aria-labelledby="endpoints-title">
            <CardHeader>
              <CardTitle id="endpoints-title">
                <Server aria-hidden />
                Endpoints
              </CardTitle>
            </CardHeader>
            <QueryBody
              query={endpoints}
              what="endpoints"
              empty={
                <EmptyState icon={<Server />} title="No endpoints yet">
                  A pipeline with a “Deploy to endpoint” step creates one when it runs.
                </EmptyState>
              }
            >
              {(rows) => (
                <ul className="divide-y divide-line">
                  {rows.map((e) => (
                    <li key={e.name} className="px-5 py-3">
                      <div className="flex items-center gap-2">
                        <Link href={`/endpoints/${encodeURIComponent(e.name)}`} className="font-medium text-fg hover:underline">
                          {e.name}
                        </Link>
                        <Link href={`/models/${e.model}/${e.modelVersion}`} aria-label={`Model ${e.model} version ${e.modelVersion}, served by ${e.name}`}>
                          <Badge tone="accent">model v{e.modelVersion}</Badge>
                        </Link>
                        <span className="ml-auto text-xs text-fg-muted">{formatRelative(e.updatedAt)}</span>
                      </div>
                      <p className="mt-1 text-xs text-fg-muted">
                        {e.task} of <span className="font-medium text-fg">{e.target}</span>
                        {headlineMetric(e.metrics)} ·{' '}
                        <code className="font-mono text-[11px]">POST /api/v1/endpoints/{e.name}/predict</code>
                      </p>
                    </li>
                  ))}
                </ul>
              )}
            </QueryBody>
          </Card>
        </div>
      </div>
    </main>
  );
}

/** ", accuracy 0.97" (or R²) from a model version's metrics, when it has one. */
function headlineMetric(metrics: unknown): string {
  const m = (metrics ?? {}) as Record<string, unknown>;
  if (typeof m.accuracy === 'number') return `, accuracy ${formatNumber(m.accuracy)}`;
  if (typeof m.r2 === 'number') return `, R² ${formatNumber(m.r2)}`;
  return '';
}

function NewPipeline({ existing }: { existing: readonly string[] }) {
  const router = useRouter();
  const [name, setName] = useState('');
  const valid = PIPELINE_NAME.test(name);
  const problem = pipelineNameProblem(name);
  const suggestion = problem ? suggestPipelineName(name) : undefined;
  const taken = valid && existing.includes(name);
  return (
    <form
      className="relative flex items-center gap-2"
      onSubmit={(e) => {
        e.preventDefault();
        if (valid && !taken) router.push(`/pipelines/${name}`);
      }}
    >
      <label htmlFor="new-pipeline" className="sr-only">
        New pipeline name
      </label>
      <input
        id="new-pipeline"
        value={name}
        onChange={(e) => setName(e.target.value)}
        placeholder="new-pipeline-name"
        aria-invalid={Boolean(problem) || taken}
        aria-describedby="new-pipeline-hint"
        className="h-9 w-56 rounded-lg border border-line-strong bg-surface px-3 text-sm placeholder:text-fg-subtle focus:border-accent focus:ring-2 focus:ring-accent/20 focus:outline-none aria-invalid:border-bad"
      />
      <Button type="submit" variant="primary" disabled={!valid || taken}>
        <Plus aria-hidden />
        New pipeline
      </Button>
      <div id="new-pipeline-hint" role="status" className="absolute top-full right-0 z-10 mt-1 text-right text-xs">
        <PipelineNameHint name={name} problem={problem} suggestion={suggestion} taken={taken} onUse={setName} bubble />
      </div>
    </form>
  );
}
