'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useId, type ReactNode } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useTRPC, type RouterOutputs } from '../trpc';
import { Button } from '../ui/button';
import { Card, CardHeader, CardTitle } from '../ui/card';
import { cn } from '../ui/cn';
import { formatDateTime, formatNumber } from '../ui/format';
import { EmptyState, ErrorState, LoadingRows } from '../ui/states';
import { StatusBadge } from '../ui/status-badge';
import { formatMs } from './runs-list';

// Runs of one pipeline side by side: parameters (differences marked), metrics and step durations, each
// as a table, metrics and durations also as grouped bars (one bar per run).

type Comparison = RouterOutputs['runs']['compare'];

const RUN_COLORS = ['var(--color-accent)', 'var(--color-port-model)', 'var(--color-port-metrics)', 'var(--color-ok)', 'var(--color-bad)', 'var(--color-port-table)'];
const AXIS = { fontSize: 11, fill: 'var(--color-fg-muted)' };
const th = 'px-4 py-2 text-left text-xs font-medium text-fg-muted';
const td = 'px-4 py-2 align-top';

const runLabel = (r: Comparison['runs'][number], i: number) => `Run ${i + 1} · ${r.runId.slice(0, 8)} (v${r.version})`;

function GroupedBars({ title, rows, runs, format }: { title: string; rows: { label: string; values: (number | null)[] }[]; runs: string[]; format: (v: number) => string }) {
  const captionId = useId();
  const data = rows.map((r) => ({ label: r.label, ...Object.fromEntries(runs.map((name, i) => [name, r.values[i] ?? undefined])) }));
  return (
    <figure aria-labelledby={captionId} className="min-w-0">
      <figcaption id={captionId} className="mb-1 text-xs font-medium text-fg-muted">
        {title}
      </figcaption>
      <div aria-hidden className="w-full" style={{ height: Math.max(220, 60 + rows.length * 18 * Math.max(1, runs.length)) }}>
        <ResponsiveContainer width="100%" height="100%">
          <BarChart accessibilityLayer={false} layout="vertical" data={data} margin={{ top: 4, right: 24, bottom: 4, left: 8 }}>
            <CartesianGrid horizontal={false} stroke="var(--color-line)" />
            <XAxis type="number" tick={AXIS} tickFormatter={(v: number) => format(v)} />
            <YAxis type="category" dataKey="label" tick={AXIS} width={150} />
            <Tooltip formatter={(v) => (typeof v === 'number' ? format(v) : String(v))} />
            <Legend wrapperStyle={{ fontSize: 11 }} />
            {runs.map((name, i) => (
              <Bar key={name} dataKey={name} fill={RUN_COLORS[i % RUN_COLORS.length]} isAnimationActive={false} />
            ))}
          </BarChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}

function Section({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <Card aria-labelledby={id}>
      <CardHeader>
        <CardTitle id={id}>{title}</CardTitle>
      </CardHeader>
      <div className="overflow-x-auto">{children}</div>
    </Card>
  );
}

/** A comparison table's head: what the rows are, then one column per run. */
function RunColumns({ first, runs }: { first: string; runs: string[] }) {
  return (
    <thead>
      <tr className="border-b border-line">
        <th scope="col" className={th}>
          {first}
        </th>
        {runs.map((r) => (
          <th key={r} scope="col" className={th}>
            {r}
          </th>
        ))}
      </tr>
    </thead>
  );
}

function NumberTable({ caption, rows, runs, format }: { caption: string; rows: { label: string; values: (number | null)[] }[]; runs: string[]; format: (v: number) => string }) {
  return (
    <table className="w-full text-sm">
      <caption className="sr-only">{caption}</caption>
      <RunColumns first="Step · measure" runs={runs} />
      <tbody>
        {rows.map((row) => (
          <tr key={row.label} className="border-b border-line last:border-0">
            <th scope="row" className={`${td} text-left font-medium`}>
              {row.label}
            </th>
            {row.values.map((v, i) => (
              <td key={i} className={`${td} tabular-nums`}>
                {v === null ? '—' : format(v)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function RunComparison({ ids }: { ids: string[] }) {
  const trpc = useTRPC();
  const query = useQuery(trpc.runs.compare.queryOptions({ ids }, { enabled: ids.length >= 2 }));
  if (ids.length < 2) {
    return (
      <main className="mx-auto w-full max-w-7xl px-6 py-7">
        <EmptyState title="Pick at least two runs to compare">
          Select runs of one pipeline in the <Link href="/runs" className="text-accent-strong underline">runs list</Link> and press Compare.
        </EmptyState>
      </main>
    );
  }
  if (query.isPending) {
    return (
      <main className="mx-auto w-full max-w-7xl px-6 py-7">
        <LoadingRows label="Loading the comparison" />
      </main>
    );
  }
  if (query.isError) {
    return (
      <main className="mx-auto w-full max-w-7xl px-6 py-7">
        <ErrorState title="Could not compare these runs" message={query.error.message} action={<Button size="sm" onClick={() => query.refetch()}>Try again</Button>} />
      </main>
    );
  }
  const c = query.data;
  const runs = c.runs.map(runLabel);
  const metricRows = c.metrics.map((m) => ({ label: `${m.nodeId} · ${m.name}`, values: m.values }));
  const durationRows = c.durations.map((d) => ({ label: d.nodeId, values: d.values }));
  const differing = c.params.filter((p) => p.differs).length;
  return (
    <main className="mx-auto w-full max-w-7xl space-y-5 px-6 py-7">
      <div>
        <p className="text-sm text-fg-muted">
          <Link href={`/runs?pipeline=${encodeURIComponent(c.pipeline)}`} className="hover:underline">
            Runs of {c.pipeline}
          </Link>
        </p>
        <h1 className="text-xl font-semibold tracking-tight text-fg">Compare {c.runs.length} runs of {c.pipeline}</h1>
      </div>

      <Section id="compare-runs" title="Runs">
        <table className="w-full text-sm">
          <thead>
            <tr className="border-b border-line">
              {['Run', 'Status', 'Trigger', 'Started', 'Duration'].map((h) => (
                <th key={h} scope="col" className={th}>
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {c.runs.map((r, i) => (
              <tr key={r.runId} className="border-b border-line last:border-0">
                <td className={td}>
                  <Link href={`/runs/${r.runId}`} className="text-accent-strong hover:underline">
                    {runs[i]}
                  </Link>
                </td>
                <td className={td}>
                  <StatusBadge status={r.status} />
                </td>
                <td className={`${td} text-fg-muted`}>{r.trigger}</td>
                <td className={`${td} text-fg-muted`}>{formatDateTime(r.startedAt ?? r.createdAt)}</td>
                <td className={`${td} tabular-nums`}>{formatMs(r.durationMs)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>

      <Section id="compare-metrics" title="Metrics">
        {metricRows.length === 0 ? (
          <EmptyState title="No metrics">These runs have no evaluate or train step that reported metrics.</EmptyState>
        ) : (
          <div className="space-y-4 p-4">
            <GroupedBars title="Metrics per run" rows={metricRows} runs={runs} format={formatNumber} />
            <NumberTable caption="Metrics per run" rows={metricRows} runs={runs} format={formatNumber} />
          </div>
        )}
      </Section>

      <Section id="compare-durations" title="Step durations">
        <div className="space-y-4 p-4">
          <GroupedBars title="Step durations per run" rows={durationRows} runs={runs} format={(v) => formatMs(Math.round(v))} />
          <NumberTable caption="Step durations per run" rows={durationRows} runs={runs} format={(v) => formatMs(Math.round(v))} />
        </div>
      </Section>

      <Section id="compare-params" title={`Parameters${differing ? ` (${differing} differ)` : ' (all equal)'}`}>
        <table className="w-full text-sm">
          <caption className="sr-only">Step parameters per run; differing ones are marked</caption>
          <RunColumns first="Step · parameter" runs={runs} />
          <tbody>
            {c.params.map((p) => (
              <tr key={`${p.nodeId}.${p.param}`} className={cn('border-b border-line last:border-0', p.differs && 'bg-warn-soft')}>
                <th scope="row" className={`${td} text-left font-medium`}>
                  {p.nodeId} · {p.param}
                  {p.differs && ' '}
                  {p.differs && <span className="ml-1 rounded bg-warn px-1.5 py-0.5 text-[10px] font-semibold text-white">differs</span>}
                </th>
                {p.values.map((v, i) => (
                  <td key={i} className={`${td} max-w-xs font-mono text-xs break-words`}>
                    {v ?? '—'}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </Section>
    </main>
  );
}
