'use client';

import { useQuery } from '@tanstack/react-query';
import { Activity } from 'lucide-react';
import { useId, useState, type ReactNode } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { DataTable } from '../runs/visuals';
import { useTRPC, type RouterOutputs } from '../trpc';
import { Card, CardHeader, CardTitle } from '../ui/card';
import { formatNumber } from '../ui/format';
import { EmptyState, ErrorActions, ErrorState, LoadingRows } from '../ui/states';

// The endpoint's serving metrics per slot over a chosen window: requests and errors, latency percentiles
// and what the model predicted, over time. Each chart is a figure named by its caption, the drawing hidden
// from screen readers, which read the numbers in a table.

type Metrics = RouterOutputs['endpoints']['metrics'];
type SlotMetrics = Metrics['slots'][number];
type Window = Metrics['window'];

const WINDOWS: { value: Window; label: string }[] = [
  { value: 'hour', label: 'Last hour' },
  { value: 'day', label: 'Last day' },
  { value: 'week', label: 'Last week' },
];
const SLOT_TITLE = { production: 'Production', staging: 'Staging (asked for, or canary)', shadow: 'Shadow challenger' } as const;
const COLORS = ['var(--color-accent)', 'var(--color-port-model)', 'var(--color-port-metrics)', 'var(--color-ok)', 'var(--color-bad)', 'var(--color-port-table)', 'var(--color-fg-muted)', 'var(--color-line-strong)', 'var(--color-fg)'];
const AXIS = { fontSize: 11, fill: 'var(--color-fg-muted)' };
const HEIGHT = 200;

const percent = (v: number) => `${formatNumber(Math.round(v * 1000) / 10)}%`;
const ms = (v: number) => `${formatNumber(v)} ms`;

function timeLabel(iso: string, window: Window): string {
  const d = new Date(iso);
  return window === 'hour' || window === 'day'
    ? d.toLocaleTimeString('en', { hour: '2-digit', minute: '2-digit' })
    : d.toLocaleString('en', { month: 'short', day: 'numeric', hour: '2-digit' });
}

function ChartFigure({ caption, columns, rows, children }: { caption: string; columns: string[]; rows: (string | number)[][]; children: ReactNode }) {
  const id = useId();
  return (
    <figure aria-labelledby={id} className="min-w-0">
      <figcaption id={id} className="mb-1 text-xs font-medium text-fg-muted">
        {caption}
      </figcaption>
      <div aria-hidden className="w-full" style={{ height: HEIGHT }}>
        {children}
      </div>
      <DataTable caption={caption} columns={columns} rows={rows} />
    </figure>
  );
}

function SlotSection({ m, window }: { m: SlotMetrics; window: Window }) {
  const headingId = useId();
  const title = SLOT_TITLE[m.slot];
  // Only buckets with traffic go into the tables read aloud; the charts show every bucket.
  const busy = m.timeline.filter((p) => p.requests > 0);
  const traffic = m.timeline.map((p) => ({ t: timeLabel(p.t, window), requests: p.requests, errors: p.errors }));
  const latency = m.timeline.map((p) => ({ t: timeLabel(p.t, window), p50: p.latencyMs?.p50 ?? null, p95: p.latencyMs?.p95 ?? null, p99: p.latencyMs?.p99 ?? null }));
  return (
    <section aria-labelledby={headingId} className="border-t border-line px-5 py-4">
      <h3 id={headingId} className="text-sm font-semibold text-fg">
        {title}
      </h3>
      <dl className="mt-2 grid grid-cols-2 gap-3 text-sm sm:grid-cols-5">
        <Figure label="Requests" value={formatNumber(m.requests)} />
        <Figure label="Requests per minute" value={formatNumber(Math.round(m.requestsPerMinute * 100) / 100)} />
        <Figure label="Error rate" value={`${percent(m.errorRate)} (${formatNumber(m.errors)})`} />
        <Figure label="Latency p50 / p95 / p99" value={m.latencyMs ? `${ms(m.latencyMs.p50)} / ${ms(m.latencyMs.p95)} / ${ms(m.latencyMs.p99)}` : '—'} />
        <Figure label="Rows scored" value={formatNumber(m.rows)} />
      </dl>
      <div className="mt-4 grid gap-6 md:grid-cols-2">
        <ChartFigure
          caption={`Requests and errors, ${title.toLowerCase()}: ${formatNumber(m.requests)} requests, ${formatNumber(m.errors)} errors`}
          columns={['Time', 'Requests', 'Errors']}
          rows={busy.map((p) => [timeLabel(p.t, window), p.requests, p.errors])}
        >
          <ResponsiveContainer width="100%" height="100%">
            <LineChart data={traffic} accessibilityLayer={false} margin={{ top: 4, right: 12, bottom: 4, left: 0 }}>
              <CartesianGrid stroke="var(--color-line)" strokeDasharray="3 3" />
              <XAxis dataKey="t" tick={AXIS} minTickGap={24} />
              <YAxis tick={AXIS} allowDecimals={false} width={40} />
              <Tooltip />
              <Legend verticalAlign="top" height={20} wrapperStyle={{ fontSize: 11 }} />
              <Line name="Requests" dataKey="requests" stroke={COLORS[0]} dot={false} isAnimationActive={false} />
              <Line name="Errors" dataKey="errors" stroke="var(--color-bad)" dot={false} isAnimationActive={false} />
            </LineChart>
          </ResponsiveContainer>
        </ChartFigure>
        <ChartFigure
          caption={`Latency, ${title.toLowerCase()}: ${m.latencyMs ? `p50 ${ms(m.latencyMs.p50)}, p95 ${ms(m.latencyMs.p95)}, p99 ${ms(m.latencyMs.p99)}` : 'no requests'}`}
          columns={['Time', 'p50 (ms)', 'p95 (ms)', 'p99 (ms)']}
          rows={busy.map((p) => [timeLabel(p.t, window), p.latencyMs?.p50 ?? '—', p.latencyMs?.p95 ?? '—', p.latencyMs?.p99 ?? '—'])}
        >
          <ResponsiveContainer width="100%" height="100%">
            <LineChart data={latency} accessibilityLayer={false} margin={{ top: 4, right: 12, bottom: 4, left: 0 }}>
              <CartesianGrid stroke="var(--color-line)" strokeDasharray="3 3" />
              <XAxis dataKey="t" tick={AXIS} minTickGap={24} />
              <YAxis tick={AXIS} width={48} tickFormatter={(v: number) => formatNumber(v)} />
              <Tooltip formatter={(v) => (typeof v === 'number' ? ms(v) : String(v))} />
              <Legend verticalAlign="top" height={20} wrapperStyle={{ fontSize: 11 }} />
              {(['p50', 'p95', 'p99'] as const).map((k, i) => (
                <Line key={k} name={k} dataKey={k} stroke={COLORS[i]} dot={false} connectNulls isAnimationActive={false} />
              ))}
            </LineChart>
          </ResponsiveContainer>
        </ChartFigure>
        <Predictions m={m} window={window} title={title} />
      </div>
    </section>
  );
}

function Predictions({ m, window, title }: { m: SlotMetrics; window: Window; title: string }) {
  const p = m.predictions;
  if (!p) return null;
  if (p.kind === 'classes') {
    const totals = p.classes.map((c) => [c, p.points.reduce((s, pt) => s + (pt.counts[c] ?? 0), 0)] as const);
    const data = p.points.map((pt) => ({ t: timeLabel(pt.t, window), ...pt.counts }));
    return (
      <ChartFigure
        caption={`Predictions over time, ${title.toLowerCase()}: ${totals.map(([c, n]) => `${c} ${formatNumber(n)}`).join(', ')}`}
        columns={['Time', ...p.classes]}
        rows={p.points.filter((pt) => Object.values(pt.counts).some((n) => n > 0)).map((pt) => [timeLabel(pt.t, window), ...p.classes.map((c) => pt.counts[c] ?? 0)])}
      >
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={data} accessibilityLayer={false} margin={{ top: 4, right: 12, bottom: 4, left: 0 }}>
            <CartesianGrid stroke="var(--color-line)" strokeDasharray="3 3" />
            <XAxis dataKey="t" tick={AXIS} minTickGap={24} />
            <YAxis tick={AXIS} allowDecimals={false} width={40} />
            <Tooltip />
            <Legend verticalAlign="top" height={20} wrapperStyle={{ fontSize: 11 }} />
            {p.classes.map((c, i) => (
              <Bar key={c} name={c} dataKey={c} stackId="classes" fill={COLORS[i % COLORS.length]} isAnimationActive={false} />
            ))}
          </BarChart>
        </ResponsiveContainer>
      </ChartFigure>
    );
  }
  const busy = p.points.filter((pt) => pt.count > 0);
  const data = p.points.map((pt) => ({ t: timeLabel(pt.t, window), p10: pt.p10, p50: pt.p50, p90: pt.p90 }));
  const all = busy.reduce((s, pt) => s + pt.count, 0);
  return (
    <ChartFigure
      caption={`Predicted values over time, ${title.toLowerCase()}: ${formatNumber(all)} predictions, 10th, 50th and 90th percentiles`}
      columns={['Time', 'Predictions', 'p10', 'Median', 'p90']}
      rows={busy.map((pt) => [timeLabel(pt.t, window), pt.count, pt.p10 ?? '—', pt.p50 ?? '—', pt.p90 ?? '—'])}
    >
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={data} accessibilityLayer={false} margin={{ top: 4, right: 12, bottom: 4, left: 0 }}>
          <CartesianGrid stroke="var(--color-line)" strokeDasharray="3 3" />
          <XAxis dataKey="t" tick={AXIS} minTickGap={24} />
          <YAxis tick={AXIS} width={56} tickFormatter={(v: number) => formatNumber(v)} />
          <Tooltip />
          <Legend verticalAlign="top" height={20} wrapperStyle={{ fontSize: 11 }} />
          {(['p10', 'p50', 'p90'] as const).map((k, i) => (
            <Line key={k} name={k === 'p50' ? 'median' : k} dataKey={k} stroke={COLORS[i]} dot={false} connectNulls isAnimationActive={false} />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </ChartFigure>
  );
}

function Figure({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <dt className="text-xs text-fg-muted">{label}</dt>
      <dd className="font-medium text-fg tabular-nums">{value}</dd>
    </div>
  );
}

export function EndpointMetrics({ name }: { name: string }) {
  const trpc = useTRPC();
  const [window, setWindow] = useState<Window>('hour');
  const selectId = useId();
  const metrics = useQuery({ ...trpc.endpoints.metrics.queryOptions({ name, window }), refetchInterval: 30_000 });
  const windowLabel = WINDOWS.find((w) => w.value === window)!.label.toLowerCase();
  return (
    <Card aria-labelledby="metrics-title" className="mt-6">
      <CardHeader>
        <CardTitle id="metrics-title">
          <Activity aria-hidden />
          Metrics
        </CardTitle>
        <div className="flex items-center gap-2 text-sm">
          <label htmlFor={selectId} className="text-fg-muted">
            Window
          </label>
          <select
            id={selectId}
            value={window}
            onChange={(e) => setWindow(e.target.value as Window)}
            className="rounded-md border border-line bg-surface px-2 py-1 text-sm text-fg"
          >
            {WINDOWS.map((w) => (
              <option key={w.value} value={w.value}>
                {w.label}
              </option>
            ))}
          </select>
        </div>
      </CardHeader>
      {metrics.isPending ? (
        <LoadingRows label="Loading the metrics" />
      ) : metrics.isError ? (
        <ErrorState title="The metrics could not be loaded" message={metrics.error.message} action={<ErrorActions onRetry={() => metrics.refetch()} />} />
      ) : metrics.data.slots.length === 0 ? (
        <EmptyState title={`No requests in the ${windowLabel}`}>
          Requests to <code className="font-mono text-xs">POST /api/v1/endpoints/{name}/predict</code> show here: rate, errors, latency and predictions.
        </EmptyState>
      ) : (
        metrics.data.slots.map((m) => <SlotSection key={m.slot} m={m} window={window} />)
      )}
    </Card>
  );
}
