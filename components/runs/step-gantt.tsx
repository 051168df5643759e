'use client';

import { useId } from 'react';
import { Bar, BarChart, CartesianGrid, Cell, LabelList, ResponsiveContainer, XAxis, YAxis } from 'recharts';
import type { StepStatus } from '../../workflows/core/plan';
import { formatDuration, formatNumber } from '../ui/format';
import { DataTable } from './visuals';

export interface GanttStep {
  nodeId: string;
  status: StepStatus;
  startedAt?: Date | string;
  finishedAt?: Date | string;
}

const STATUS_COLORS: Record<StepStatus, string> = {
  succeeded: 'var(--color-ok)',
  failed: 'var(--color-bad)',
  running: 'var(--color-run)',
  cancelled: 'var(--color-warn)',
  skipped: 'var(--color-idle)',
  pending: 'var(--color-idle)',
};
const AXIS = { fontSize: 11, fill: 'var(--color-fg-muted)' };
const ROW_HEIGHT = 28;

/** Bars of the steps that started, in seconds from the first start; a running step reaches `now`. Pure. */
export function ganttBars(steps: GanttStep[], now: number = Date.now()) {
  const started = steps.filter((s) => s.startedAt);
  if (started.length === 0) return [];
  const t0 = Math.min(...started.map((s) => new Date(s.startedAt!).getTime()));
  return started.map((s) => {
    const start = new Date(s.startedAt!).getTime();
    const end = s.finishedAt ? new Date(s.finishedAt).getTime() : now;
    return {
      nodeId: s.nodeId,
      status: s.status,
      offset: (start - t0) / 1000,
      seconds: Math.max(0, (end - start) / 1000),
      label: formatDuration(s.startedAt, s.finishedAt ?? undefined, now),
    };
  });
}

/**
 * When each step ran: a horizontal bar per step from its start to its end, coloured by status and labelled
 * with its duration (a transparent bar before it stands for the wait). Steps that never started (skipped,
 * reused) have no bar. Screen readers get the same numbers as a table.
 */
export function StepGantt({ steps, onSelect }: { steps: GanttStep[]; onSelect?: (nodeId: string) => void }) {
  const captionId = useId();
  const bars = ganttBars(steps);
  if (bars.length === 0) return <p className="px-5 py-4 text-sm text-fg-muted">No step has started yet.</p>;
  return (
    <figure aria-labelledby={captionId} className="min-w-0 px-5 pb-4">
      <figcaption id={captionId} className="sr-only">
        Step timeline
      </figcaption>
      <div aria-hidden className="w-full" style={{ height: bars.length * ROW_HEIGHT + 40 }}>
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={bars} layout="vertical" accessibilityLayer={false} margin={{ top: 4, right: 56, bottom: 16, left: 8 }} barCategoryGap={5}>
            <CartesianGrid stroke="var(--color-line)" strokeDasharray="3 3" horizontal={false} />
            <XAxis
              type="number"
              tick={AXIS}
              tickFormatter={(v: number) => `${formatNumber(v)} s`}
              label={{ value: 'seconds since the first step started', position: 'insideBottom', offset: -8, ...AXIS }}
            />
            <YAxis type="category" dataKey="nodeId" tick={{ ...AXIS, fontFamily: 'var(--font-mono)' }} width={96} interval={0} />
            <Bar dataKey="offset" stackId="t" fill="transparent" isAnimationActive={false} />
            <Bar
              dataKey="seconds"
              stackId="t"
              isAnimationActive={false}
              minPointSize={2}
              radius={3}
              cursor={onSelect ? 'pointer' : undefined}
              onClick={onSelect ? (d) => onSelect(String((d.payload as { nodeId: string }).nodeId)) : undefined}
            >
              {bars.map((b) => (
                <Cell key={b.nodeId} fill={STATUS_COLORS[b.status]} />
              ))}
              <LabelList dataKey="label" position="right" style={{ fontSize: 11, fill: 'var(--color-fg-muted)' }} />
            </Bar>
          </BarChart>
        </ResponsiveContainer>
      </div>
      <DataTable
        caption="Step timeline: when each step started and how long it took"
        columns={['Step', 'Status', 'Started after (s)', 'Duration']}
        rows={bars.map((b) => [b.nodeId, b.status, Math.round(b.offset * 100) / 100, b.label])}
      />
    </figure>
  );
}
