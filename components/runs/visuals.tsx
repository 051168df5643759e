'use client';

import { useId, type ReactNode } from 'react';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Scatter,
  ScatterChart,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { BarsVisual, LinesVisual, ScatterVisual, TableVisual, Visual } from '../../workflows/core/visual';
import { cn } from '../ui/cn';
import { formatNumber } from '../ui/format';

// The pictures steps put in their summaries ({ "$visual": … }), drawn with recharts. Each chart is a
// figure named by its title; the drawing (not focusable) is hidden from screen readers, which get its numbers as a table.

const SERIES_COLORS = [
  'var(--color-accent)',
  'var(--color-port-model)',
  'var(--color-port-metrics)',
  'var(--color-ok)',
  'var(--color-bad)',
  'var(--color-port-table)',
  'var(--color-fg-muted)',
];
const AXIS = { fontSize: 11, fill: 'var(--color-fg-muted)' };
const CHART_HEIGHT = 240;

const tickFormat = (v: unknown) => (typeof v === 'number' ? formatNumber(v) : String(v));

function cellText(v: string | number | boolean | null): string {
  if (v === null) return '—';
  if (typeof v === 'number') return formatNumber(v);
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  return v;
}

/** The numbers behind a chart, for screen readers (and for anyone who copies them). */
export function DataTable({ caption, columns, rows }: { caption: string; columns: string[]; rows: (string | number)[][] }) {
  return (
    <table className="sr-only">
      <caption>{caption}</caption>
      <thead>
        <tr>
          {columns.map((c) => (
            <th key={c} scope="col">
              {c}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((r, i) => (
          <tr key={i}>
            {r.map((v, j) => (
              <td key={j}>{typeof v === 'number' ? formatNumber(v) : v}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Figure({ title, children, data, height = CHART_HEIGHT }: { title: string; children: ReactNode; data: ReactNode; height?: number }) {
  const captionId = useId();
  return (
    <figure aria-labelledby={captionId} className="max-w-xl min-w-0">
      <figcaption id={captionId} className="mb-1 text-[11px] font-medium text-fg-muted">
        {title}
      </figcaption>
      <div aria-hidden className="w-full" style={{ height }}>
        {children}
      </div>
      {data}
    </figure>
  );
}

function LinesFigure({ v }: { v: LinesVisual }) {
  const diagonal = /roc/i.test(v.title) && /false positive/i.test(v.x);
  return (
    <Figure
      title={v.title}
      data={
        <DataTable
          caption={`${v.title}: ${v.x} and ${v.y} per series`}
          columns={['Series', v.x, v.y]}
          rows={v.series.flatMap((s) => s.points.map(([x, y]) => [s.name, x, y]))}
        />
      }
    >
      <ResponsiveContainer width="100%" height="100%">
        <LineChart accessibilityLayer={false} margin={{ top: 4, right: 12, bottom: 18, left: 16 }}>
          <CartesianGrid stroke="var(--color-line)" strokeDasharray="3 3" />
          <XAxis
            type="number"
            dataKey="x"
            domain={['dataMin', 'dataMax']}
            // Counts (trial, run) get whole-number ticks only.
            allowDecimals={!v.series.every((s) => s.points.every(([x]) => Number.isInteger(x)))}
            tick={AXIS}
            tickFormatter={tickFormat}
            label={{ value: v.x, position: 'insideBottom', offset: -10, ...AXIS }}
          />
          <YAxis
            type="number"
            dataKey="y"
            {...(v.yDomain ? { domain: v.yDomain } : {})}
            tick={AXIS}
            tickFormatter={tickFormat}
            width={56}
            label={{ value: v.y, angle: -90, position: 'insideLeft', offset: -6, style: { textAnchor: 'middle' }, ...AXIS }}
          />
          {diagonal && <ReferenceLine segment={[{ x: 0, y: 0 }, { x: 1, y: 1 }]} stroke="var(--color-line-strong)" strokeDasharray="4 4" />}
          <Tooltip formatter={(value) => tickFormat(value)} labelFormatter={(label) => `${v.x} ${tickFormat(label)}`} />
          {v.series.length > 1 && <Legend verticalAlign="top" wrapperStyle={{ fontSize: 11 }} />}
          {v.series.map((s, i) => (
            <Line
              key={s.name}
              name={s.name}
              data={s.points.map(([x, y]) => ({ x, y }))}
              dataKey="y"
              type="linear"
              dot={false}
              strokeWidth={1.75}
              stroke={SERIES_COLORS[i % SERIES_COLORS.length]}
              isAnimationActive={false}
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </Figure>
  );
}

function ScatterFigure({ v }: { v: ScatterVisual }) {
  const data = v.points.map(([x, y]) => ({ x, y }));
  return (
    <Figure title={v.title} data={<DataTable caption={`${v.title}: ${v.x} and ${v.y} per point`} columns={[v.x, v.y]} rows={v.points} />}>
      <ResponsiveContainer width="100%" height="100%">
        <ScatterChart accessibilityLayer={false} margin={{ top: 4, right: 12, bottom: 18, left: 16 }}>
          <CartesianGrid stroke="var(--color-line)" strokeDasharray="3 3" />
          <XAxis type="number" dataKey="x" name={v.x} domain={['auto', 'auto']} tick={AXIS} tickFormatter={tickFormat} label={{ value: v.x, position: 'insideBottom', offset: -10, ...AXIS }} />
          <YAxis type="number" dataKey="y" name={v.y} domain={['auto', 'auto']} tick={AXIS} tickFormatter={tickFormat} width={56} label={{ value: v.y, angle: -90, position: 'insideLeft', offset: -6, style: { textAnchor: 'middle' }, ...AXIS }} />
          <ReferenceLine y={0} stroke="var(--color-line-strong)" />
          <Tooltip formatter={(value) => tickFormat(value)} />
          <Scatter data={data} fill="var(--color-accent)" fillOpacity={0.6} isAnimationActive={false} shape="circle" />
        </ScatterChart>
      </ResponsiveContainer>
    </Figure>
  );
}

function BarsFigure({ v }: { v: BarsVisual }) {
  const series = v.series && v.series.length > 0 ? v.series : undefined;
  const perItem = series?.length ?? 1;
  const height = Math.max(80, Math.min(CHART_HEIGHT * 2, (18 + 10 * perItem) * v.items.length + (series ? 50 : 30)));
  const data = v.items.map((item) => ({ label: item.label, ...Object.fromEntries((series ?? ['value']).map((_, i) => [`s${i}`, series ? (item.values?.[i] ?? 0) : item.value])) }));
  const columns = series ? ['Label', ...series] : ['Label', 'Value'];
  const rows = v.items.map((item) => [item.label, ...(series ? series.map((_, i) => item.values?.[i] ?? 0) : [item.value])]);
  return (
    <Figure title={v.title} height={height} data={<DataTable caption={v.title} columns={columns} rows={rows} />}>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart accessibilityLayer={false} layout="vertical" data={data} margin={{ top: 0, right: 40, bottom: 0, left: 0 }}>
          <CartesianGrid stroke="var(--color-line)" strokeDasharray="3 3" horizontal={false} />
          <XAxis type="number" tick={AXIS} tickFormatter={tickFormat} />
          <YAxis type="category" dataKey="label" tick={AXIS} width={180} interval={0} />
          <Tooltip formatter={(value) => tickFormat(value)} />
          {series && <Legend verticalAlign="top" wrapperStyle={{ fontSize: 11 }} />}
          {(series ?? ['value']).map((name, i) => (
            <Bar
              key={name}
              name={name}
              dataKey={`s${i}`}
              fill={SERIES_COLORS[i % SERIES_COLORS.length]}
              isAnimationActive={false}
              label={series ? undefined : { position: 'right', fontSize: 11, fill: 'var(--color-fg-muted)', formatter: tickFormat }}
            />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </Figure>
  );
}

function TableFigure({ v }: { v: TableVisual }) {
  return (
    <div className="max-w-full overflow-x-auto">
      <table className="text-xs">
        <caption className="mb-1 text-left text-[11px] font-medium text-fg-muted">{v.title}</caption>
        <thead>
          <tr className="text-left text-fg-muted">
            {v.columns.map((c) => (
              <th key={c} scope="col" className="py-1 pr-4 font-medium whitespace-nowrap">
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {v.rows.map((r, i) => (
            <tr key={i} className="border-t border-line">
              {r.map((cell, j) => (
                <td
                  key={j}
                  className={cn('max-w-64 truncate py-1 pr-4', typeof cell === 'number' && 'text-right tabular-nums', cell === null && 'text-fg-subtle')}
                  title={cell === null ? 'missing' : String(cell)}
                >
                  {cellText(cell)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Draws one `$visual` summary value. */
export function VisualView({ visual }: { visual: Visual }) {
  switch (visual.$visual) {
    case 'table':
      return <TableFigure v={visual} />;
    case 'lines':
      return <LinesFigure v={visual} />;
    case 'scatter':
      return <ScatterFigure v={visual} />;
    case 'bars':
      return <BarsFigure v={visual} />;
  }
}
