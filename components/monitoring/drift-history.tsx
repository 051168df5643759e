'use client';

import { useQuery } from '@tanstack/react-query';
import { Waves } from 'lucide-react';
import Link from 'next/link';
import { P_VALUE_METHODS, type DriftMethod } from '../../workflows/core/drift';
import type { LinesVisual } from '../../workflows/core/visual';
import { VisualView } from '../runs/visuals';
import { useTRPC, type RouterOutputs } from '../trpc';
import { Badge } from '../ui/badge';
import { Card, CardHeader, CardTitle } from '../ui/card';
import { formatDateTime, formatNumber } from '../ui/format';
import { EmptyState, ErrorActions, ErrorState, LoadingRows } from '../ui/states';

// Drift over time: for each Data drift step of a pipeline, every feature's score across its runs, the share
// of drifted features, and the runs themselves.

type Report = RouterOutputs['monitoring']['driftHistory']['reports'][number];

const th = 'px-4 py-2 text-left text-xs font-medium text-fg-muted';
const td = 'px-4 py-2 align-top';
const X = 'run (oldest first)';

function scoreLines(node: string, reports: Report[]): LinesVisual {
  const columns = [...new Set(reports.flatMap((r) => r.features.map((f) => f.column)))];
  // KS and chi-squared give p-values: there, lower means more drift.
  const methods = new Set(reports.flatMap((r) => r.features.map((f) => f.method)));
  const pValues = [...methods].filter((m) => P_VALUE_METHODS.includes(m as DriftMethod));
  const title =
    pValues.length === 0
      ? `${node}: drift score per feature (higher = more drift)`
      : pValues.length === methods.size
        ? `${node}: p-value per feature (lower = more drift)`
        : `${node}: drift score per feature (${pValues.join(' and ')}: a p-value, lower = more drift; others: higher = more drift)`;
  return {
    $visual: 'lines',
    title,
    x: X,
    y: 'score',
    series: columns.map((column) => ({
      name: column,
      points: reports.flatMap((r, i) => {
        const score = r.features.find((f) => f.column === column)?.score;
        return typeof score === 'number' ? [[i + 1, score] as [number, number]] : [];
      }),
    })),
  };
}

function shareLine(node: string, reports: Report[]): LinesVisual {
  return { $visual: 'lines', title: `${node}: share of drifted features`, x: X, y: 'share', yDomain: [0, 1], series: [{ name: 'Share drifted', points: reports.map((r, i) => [i + 1, r.driftShare]) }] };
}

export function DriftHistoryPage({ pipeline }: { pipeline: string }) {
  const trpc = useTRPC();
  const history = useQuery(trpc.monitoring.driftHistory.queryOptions({ pipeline, limit: 100 }));
  if (history.isPending) return <Shell pipeline={pipeline}><LoadingRows label="Loading drift reports" /></Shell>;
  if (history.isError) {
    return (
      <Shell pipeline={pipeline}>
        <ErrorState title="Drift reports could not be loaded" message={history.error.message} action={<ErrorActions onRetry={() => history.refetch()} />} />
      </Shell>
    );
  }
  const byNode = new Map<string, Report[]>();
  for (const r of history.data.reports) byNode.set(r.nodeId, [...(byNode.get(r.nodeId) ?? []), r]);
  if (byNode.size === 0) {
    return (
      <Shell pipeline={pipeline}>
        <EmptyState icon={<Waves />} title="No drift reports yet">
          Each successful run of a Data drift step adds one; run the pipeline, or schedule it.
        </EmptyState>
      </Shell>
    );
  }
  return (
    <Shell pipeline={pipeline}>
      {[...byNode.entries()].map(([node, reports]) => (
        <Card key={node} aria-labelledby={`drift-${node}`} className="mt-6">
          <CardHeader>
            <CardTitle id={`drift-${node}`}>
              <Waves aria-hidden />
              Step {node}
            </CardTitle>
          </CardHeader>
          <div className="grid gap-4 px-5 pb-4 md:grid-cols-2">
            <VisualView visual={scoreLines(node, reports)} />
            <VisualView visual={shareLine(node, reports)} />
          </div>
          <table className="w-full text-sm">
            <caption className="sr-only">Drift reports of step {node}, oldest first</caption>
            <thead>
              <tr>
                <th className={th}>Run</th>
                <th className={th}>When</th>
                <th className={th}>Drifted features</th>
                <th className={th}>Share</th>
                <th className={th}>Dataset</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-line">
              {reports.map((r, i) => (
                <tr key={r.runId}>
                  <td className={td}>
                    <Link href={`/runs/${r.runId}`} className="text-accent-strong hover:underline">
                      {i + 1}: run {r.runId.slice(0, 8)}
                    </Link>
                  </td>
                  <td className={td}>{formatDateTime(r.at)}</td>
                  <td className={td}>
                    {r.features.filter((f) => f.drifted).map((f) => f.column).join(', ') || '—'} ({r.driftedFeatures} of {r.features.length})
                  </td>
                  <td className={td}>{formatNumber(r.driftShare)}</td>
                  <td className={td}>{r.datasetDrift ? <Badge tone="bad">drifted</Badge> : <Badge tone="ok">stable</Badge>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Card>
      ))}
    </Shell>
  );
}

function Shell({ pipeline, children }: { pipeline: string; children: React.ReactNode }) {
  return (
    <main className="mx-auto max-w-5xl px-6 py-8">
      <h1 className="text-xl font-semibold text-fg">Drift over time</h1>
      <p className="mt-1 mb-6 text-sm text-fg-muted">
        Data drift steps of pipeline{' '}
        <Link href={`/pipelines/${pipeline}`} className="text-accent-strong hover:underline">
          {pipeline}
        </Link>
        , one point per successful run
      </p>
      {children}
    </main>
  );
}
