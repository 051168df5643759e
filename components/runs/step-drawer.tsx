'use client';

import { TriangleAlert, X } from 'lucide-react';
import { useEffect, useRef, type ReactNode } from 'react';
import type { BarsVisual } from '../../workflows/core/visual';
import { stepsByType } from '../canvas/graph-model';
import { categoryLook, fallbackCategory } from '../canvas/port-style';
import type { RouterOutputs } from '../trpc';
import { cn } from '../ui/cn';
import { formatDateTime, formatDuration } from '../ui/format';
import { StatusBadge, isFinished } from '../ui/status-badge';
import { StepLogView } from './step-log';
import { StepSummary } from './step-summary';
import { METRIC_LABELS } from './summary-format';
import { VisualView } from './visuals';

type Run = RouterOutputs['runs']['get'];
type Step = Run['steps'][number];

// Scores on a 0–1 scale, comparable side by side; errors (RMSE, MAE…) have the target's units and are left out.
const SCORE_METRICS = ['accuracy', 'precision_macro', 'recall_macro', 'f1_macro', 'roc_auc', 'average_precision', 'r2', 'silhouette'];

/** A train or evaluate step's scores as bars, where it has several. */
export function metricsVisual(summary: Record<string, unknown> | undefined): BarsVisual | undefined {
  const items = SCORE_METRICS.filter((k) => typeof summary?.[k] === 'number').map((k) => ({ label: METRIC_LABELS[k] ?? k, value: summary![k] as number }));
  return items.length >= 2 ? { $visual: 'bars', title: 'Metrics', items } : undefined;
}

/** The scores several steps of a run share, side by side (a bar per step for each score); none where fewer than two steps report one. */
export function runScoresVisual(steps: { nodeId: string; summary?: Record<string, unknown> }[]): BarsVisual | undefined {
  const scored = steps.filter((s) => SCORE_METRICS.some((k) => typeof s.summary?.[k] === 'number'));
  if (scored.length < 2) return undefined;
  // Only scores every one of them has: a missing bar would read as zero.
  const keys = SCORE_METRICS.filter((k) => scored.every((s) => typeof s.summary?.[k] === 'number'));
  if (keys.length === 0) return undefined;
  return {
    $visual: 'bars',
    title: 'Scores by step',
    series: scored.map((s) => s.nodeId),
    items: keys.map((k) => ({
      label: METRIC_LABELS[k] ?? k,
      value: 0,
      values: scored.map((s) => s.summary![k] as number),
    })),
  };
}

function paramText(value: unknown): string {
  if (value === undefined) return '—';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/**
 * One step of a run, beside the graph: status, attempts, times, the error with the parameters it ran with,
 * its live log, its summary and pictures, and `children` (e.g. previews of its outputs). Not modal, so another
 * step can be picked on the graph while it is open; Escape or the close button closes it.
 */
export function StepDrawer({ run, step, onClose, children }: { run: Run; step: Step; onClose: () => void; children?: ReactNode }) {
  const heading = useRef<HTMLHeadingElement>(null);
  const def = stepsByType.get(step.type);
  const look = (def && categoryLook[def.category]) ?? fallbackCategory;
  const Icon = look.icon;
  const params = Object.entries(step.params ?? {});
  const metrics = metricsVisual(step.summary);
  const live = !isFinished(run.status);

  useEffect(() => heading.current?.focus(), [step.nodeId]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  return (
    <aside
      aria-label={`Step details: ${step.nodeId}`}
      className="fixed top-12 bottom-0 right-0 z-20 flex w-[min(600px,100vw)] flex-col border-l border-line bg-surface shadow-(--shadow-pop)"
    >
      <header className="flex items-start gap-3 border-b border-line px-5 py-3">
        <span className={cn('mt-0.5 flex size-8 shrink-0 items-center justify-center rounded-lg [&_svg]:size-4', look.tint)}>
          <Icon aria-hidden />
        </span>
        <div className="min-w-0 flex-1">
          <h2 ref={heading} tabIndex={-1} className="font-mono text-base font-semibold text-fg outline-none">
            {step.nodeId}
          </h2>
          <p className="text-xs text-fg-muted">{def?.title ?? step.type}</p>
        </div>
        <StatusBadge status={step.status} />
        <button
          type="button"
          onClick={onClose}
          aria-label="Close step details"
          className="rounded-md p-1 text-fg-muted hover:bg-subtle hover:text-fg [&_svg]:size-4"
        >
          <X aria-hidden />
        </button>
      </header>

      <div className="min-h-0 flex-1 space-y-5 overflow-y-auto px-5 py-4">
        <dl className="grid grid-cols-2 gap-x-5 gap-y-2 text-sm sm:grid-cols-4">
          <div>
            <dt className="text-[11px] text-fg-muted">Attempts</dt>
            <dd className="tabular-nums">{step.attempts}</dd>
          </div>
          <div>
            <dt className="text-[11px] text-fg-muted">Duration</dt>
            <dd className="tabular-nums">{formatDuration(step.startedAt, step.finishedAt)}</dd>
          </div>
          <div>
            <dt className="text-[11px] text-fg-muted">Started</dt>
            <dd className="text-xs">{formatDateTime(step.startedAt)}</dd>
          </div>
          <div>
            <dt className="text-[11px] text-fg-muted">Ended</dt>
            <dd className="text-xs">{formatDateTime(step.finishedAt)}</dd>
          </div>
        </dl>

        {step.cachedFrom && (
          <p className="text-xs text-fg-muted">
            Reused the outputs of run <span className="font-mono">{step.cachedFrom.slice(0, 8)}</span> instead of running.
          </p>
        )}

        {step.error && (
          <div role="alert" className="flex items-start gap-2 rounded-md bg-bad-soft px-3 py-2 text-sm whitespace-pre-wrap text-bad-strong">
            <TriangleAlert aria-hidden className="mt-0.5 size-4 shrink-0" />
            <span className="min-w-0 break-words">{step.error}</span>
          </div>
        )}

        <section aria-labelledby={`${step.nodeId}-params`}>
          <h3 id={`${step.nodeId}-params`} className="mb-1.5 text-[11px] font-semibold tracking-wider text-fg-subtle uppercase">
            Parameters
          </h3>
          {params.length === 0 ? (
            <p className="text-xs text-fg-muted">None.</p>
          ) : (
            <table className="w-full text-xs">
              <caption className="sr-only">Parameters of step {step.nodeId}</caption>
              <tbody>
                {params.map(([k, v]) => (
                  <tr key={k} className="border-t border-line first:border-0 align-top">
                    <th scope="row" className="w-40 py-1 pr-3 text-left font-mono font-normal text-fg-muted">
                      {k}
                    </th>
                    <td className="py-1 font-mono break-all text-fg">{paramText(v)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>

        <section aria-labelledby={`${step.nodeId}-log`}>
          <h3 id={`${step.nodeId}-log`} className="mb-1.5 text-[11px] font-semibold tracking-wider text-fg-subtle uppercase">
            Log
          </h3>
          <StepLogView key={`${run.runId}/${step.nodeId}`} runId={run.runId} nodeId={step.nodeId} live={live} />
        </section>

        {children}

        {metrics && <VisualView visual={metrics} />}

        {step.summary && Object.keys(step.summary).length > 0 && (
          <section aria-labelledby={`${step.nodeId}-summary`}>
            <h3 id={`${step.nodeId}-summary`} className="mb-1.5 text-[11px] font-semibold tracking-wider text-fg-subtle uppercase">
              Result
            </h3>
            <StepSummary
              summary={step.summary}
              downloadHref={`/api/v1/runs/${encodeURIComponent(run.runId)}/steps/${encodeURIComponent(step.nodeId)}/file`}
            />
          </section>
        )}
      </div>
    </aside>
  );
}
