'use client';

import type { RouterOutputs } from '../trpc';
import { formatNumber } from '../ui/format';
import { formatMetric, td, th } from '../registry/query-view';

/** One column's statistics, as the server computes them (server/infra/table-preview.ts). */
export type ColumnStat = RouterOutputs['runData']['stats']['columns'][number];

/** Per-column statistics as a table: type, nulls, distinct, min, max and a small histogram (or top values). */
export function ColumnStatsTable({ columns, label = 'Column statistics' }: { columns: ColumnStat[]; label?: string }) {
  return (
    <table className="w-full text-sm" aria-label={label}>
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
        {columns.map((c) => (
          <tr key={c.name} className="border-b border-line last:border-0">
            <th scope="row" className={`${td} text-left font-medium`}>{c.name}</th>
            <td className={`${td} font-mono text-xs text-fg-muted`}>{c.type}</td>
            <td className={`${td} tabular-nums`}>{formatNumber(c.nulls)}</td>
            <td className={`${td} tabular-nums`}>{formatNumber(c.distinct)}</td>
            <td className={`${td} tabular-nums`}>{formatMetric(c.min)}</td>
            <td className={`${td} tabular-nums`}>{formatMetric(c.max)}</td>
            <td className={td}>
              <Histogram column={c} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Histogram({ column: c }: { column: ColumnStat }) {
  const top = Math.max(1, ...c.histogram.map((b) => b.count));
  const numeric = typeof c.min === 'number';
  return (
    <div
      className="flex h-8 items-end gap-px"
      role="img"
      aria-label={`${numeric ? 'Histogram' : 'Top values'} of ${c.name}: ${c.histogram.map((b) => `${b.label} ${b.count}`).join(', ')}`}
    >
      {c.histogram.map((b) => (
        <div key={b.label} title={`${b.label}: ${b.count}`} className="w-3 bg-accent/70" style={{ height: `${(b.count / top) * 100}%` }} />
      ))}
    </div>
  );
}
