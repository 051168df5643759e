'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ChevronRight, CircleStop, LoaderCircle, PencilRuler, RotateCw, TriangleAlert } from 'lucide-react';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { stepsByType } from '../canvas/graph-model';
import { categoryLook, fallbackCategory } from '../canvas/port-style';
import { useTRPC } from '../trpc';
import { Button, buttonClasses } from '../ui/button';
import { Card, CardHeader, CardTitle } from '../ui/card';
import { cn } from '../ui/cn';
import { formatDateTime, formatDuration, formatRelative } from '../ui/format';
import { ErrorActions, ErrorState, Skeleton } from '../ui/states';
import { StatusBadge, isFinished } from '../ui/status-badge';
import { GateBlockedBadge, NotDeployedNote } from './not-deployed';
import { RunGraph } from './run-graph';
import { ApprovalCell, CachedNote, FixAndResume, RunIgnoringCache, RunLinks } from './run-ops';
import { RunOrigin } from './run-origin';
import { StepDrawer, runScoresVisual } from './step-drawer';
import { VisualView } from './visuals';
import { StepGantt } from './step-gantt';
import { StepSummary } from './step-summary';
import { RunOutputButtons } from '../data/run-output-buttons';
import { documentOfPreview } from '../data/preview-scope';
import { parameterValueText } from '../../workflows/core/parameters';
import { useRole } from '../auth/use-role';

const POLL_MS = 1000;

/** One run, live: polls every second until the run finishes. */
export function RunView({ runId }: { runId: string }) {
  const trpc = useTRPC();
  const run = useQuery(
    trpc.runs.get.queryOptions(
      { runId },
      {
        refetchInterval: (q) =>
          q.state.status === 'error' || (q.state.data && isFinished(q.state.data.status)) ? false : POLL_MS,
        staleTime: 0,
      },
    ),
  );
  // The step whose details are open beside the graph.
  const [selected, setSelected] = useState<string>();
  const pipeline = useQuery(
    trpc.pipelines.get.queryOptions(
      { name: run.data?.pipeline ?? '', version: run.data?.version },
      { enabled: Boolean(run.data), staleTime: Infinity },
    ),
  );

  if (run.isPending) return <RunSkeleton />;
  if (run.isError) {
    return (
      <div className="mx-auto w-full max-w-6xl px-6 py-8">
        <ErrorState
          title={run.error.data?.code === 'NOT_FOUND' ? 'Run not found' : 'Could not load the run'}
          message={run.error.message}
          action={<ErrorActions onRetry={run.error.data?.code !== 'NOT_FOUND' ? () => run.refetch() : undefined} />}
        />
      </div>
    );
  }

  const r = run.data;
  const finished = isFinished(r.status);
  const selectedStep = r.steps.find((s) => s.nodeId === selected);
  const scores = runScoresVisual(r.steps);
  const done = r.steps.filter((s) => s.status === 'succeeded' || s.status === 'skipped' || s.status === 'failed' || s.status === 'cancelled').length;

  return (
    <div className="mx-auto w-full max-w-7xl space-y-5 px-6 py-6">
      <nav aria-label="Breadcrumb" className="flex items-center gap-1 text-xs text-fg-muted">
        <Link href="/" className="hover:text-fg hover:underline">
          Overview
        </Link>
        <ChevronRight aria-hidden className="size-3.5" />
        <Link href={`/pipelines/${r.pipeline}`} className="hover:text-fg hover:underline">
          {r.pipeline}
        </Link>
        <ChevronRight aria-hidden className="size-3.5" />
        <span className="text-fg">Run {r.runId.slice(0, 8)}</span>
      </nav>

      <header className="flex flex-wrap items-start gap-4">
        <div className="min-w-0 flex-1">
          <div className="flex items-center gap-3">
            <h1 className="text-xl font-semibold tracking-tight text-fg">
              {r.pipeline} <span className="font-normal text-fg-muted">run</span>{' '}
              <span className="font-mono text-base font-normal text-fg-muted">{r.runId.slice(0, 8)}</span>
            </h1>
            <span aria-label={`Run status: ${r.status}`} role="status">
              <StatusBadge status={r.status} className="px-2.5 py-1 text-sm" />
            </span>
            {r.notDeployed.some((n) => n.cause === 'gate') && <GateBlockedBadge />}
          </div>
          <p className="mt-1 text-sm text-fg-muted">
            Version {r.version} · created {formatRelative(r.createdAt)}
            {r.previewUpTo && <> · preview up to {r.previewUpTo}: only it and the steps it depends on ran</>}
            {r.startedAt && <> · {finished ? 'took' : 'running for'} {formatDuration(r.startedAt, r.finishedAt)}</>}
            {!finished && (
              <>
                {' '}
                · {done} of {r.steps.length} steps done
              </>
            )}
          </p>
          <NotDeployedNote items={r.notDeployed} />
          {r.origin && <RunOrigin origin={r.origin} />}
          <RunLinks run={r} />
        </div>
        <div className="flex flex-wrap items-center gap-2">
          <Link href={`/pipelines/${r.pipeline}?version=${r.version}`} className={buttonClasses('secondary')}>
            <PencilRuler aria-hidden />
            Open in editor
          </Link>
          {(r.status === 'failed' || r.status === 'cancelled') && <FixAndResume run={r} />}
          {finished && <RunIgnoringCache pipeline={r.pipeline} version={r.version} />}
          {finished ? <RunAgain pipeline={r.pipeline} version={r.version} params={r.params} /> : <CancelRun runId={r.runId} />}
        </div>
      </header>

      {r.error && (
        <ErrorState title="The run failed" message={r.error} />
      )}

      <RunParameters params={r.params} />

      <Card className="overflow-hidden">
        <div className="h-[320px] bg-app">
          {pipeline.data ? (
            <RunGraph
              document={r.previewUpTo ? documentOfPreview(pipeline.data.document, r.steps.map((s) => s.nodeId)) : pipeline.data.document}
              steps={r.steps}
              onStepClick={setSelected}
            />
          ) : pipeline.isError ? (
            <p className="p-5 text-sm text-fg-muted">The pipeline graph could not be loaded: {pipeline.error.message}</p>
          ) : (
            <Skeleton className="m-5 h-[260px]" />
          )}
        </div>
      </Card>

      <Card aria-labelledby="timeline-title">
        <CardHeader>
          <CardTitle id="timeline-title">Timeline</CardTitle>
        </CardHeader>
        <StepGantt steps={r.steps} onSelect={setSelected} />
      </Card>

      {scores && (
        <Card className="px-5 py-4">
          <VisualView visual={scores} />
        </Card>
      )}

      <Card>
        <CardHeader>
          <CardTitle>Steps</CardTitle>
          {!finished && (
            <span className="flex items-center gap-1.5 text-xs text-fg-muted">
              <LoaderCircle aria-hidden className="size-3.5 animate-spin" />
              Updating live
            </span>
          )}
        </CardHeader>
        <div className="overflow-x-auto">
          <table className="w-full text-sm">
            <caption className="sr-only">Steps of run {r.runId}</caption>
            <thead>
              <tr className="border-b border-line text-left text-xs text-fg-muted">
                <th scope="col" className="px-5 py-2 font-medium">
                  Step
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  Status
                </th>
                <th scope="col" className="px-3 py-2 text-right font-medium">
                  Attempts
                </th>
                <th scope="col" className="px-3 py-2 text-right font-medium">
                  Duration
                </th>
                <th scope="col" className="px-5 py-2 font-medium">
                  Result
                </th>
              </tr>
            </thead>
            <tbody>
              {r.steps.map((s) => {
                const step = stepsByType.get(s.type);
                const look = (step && categoryLook[step.category]) ?? fallbackCategory;
                const Icon = look.icon;
                return (
                  <tr key={s.nodeId} aria-label={`Step ${s.nodeId}`} className="border-b border-line align-top last:border-0">
                    <td className="px-5 py-3">
                      <div className="flex items-center gap-2.5">
                        <span className={cn('flex size-7 shrink-0 items-center justify-center rounded-lg [&_svg]:size-4', look.tint)}>
                          <Icon aria-hidden />
                        </span>
                        <div className="min-w-0">
                          <button
                            type="button"
                            onClick={() => setSelected(s.nodeId)}
                            aria-label={`Details of step ${s.nodeId}`}
                            className="font-mono text-[13px] font-medium text-accent-strong hover:underline"
                          >
                            {s.nodeId}
                          </button>
                          <div className="text-xs text-fg-muted">{step?.title ?? s.type}</div>
                        </div>
                      </div>
                    </td>
                    <td className="px-3 py-3">
                      <StatusBadge status={s.status} />
                      {s.waitingForFitter && <p className="mt-1 text-xs whitespace-nowrap text-fg-muted">waiting for a fitter</p>}
                    </td>
                    <td className="px-3 py-3 text-right tabular-nums">{s.attempts}</td>
                    <td className="px-3 py-3 text-right whitespace-nowrap tabular-nums" title={formatDateTime(s.startedAt)}>
                      {formatDuration(s.startedAt, s.finishedAt)}
                    </td>
                    <td className="px-5 py-3">
                      <CachedNote step={s} resumed={s.cachedFrom !== undefined && s.cachedFrom === r.rerunOf} />
                      {s.error && (
                        <p className="mb-2 flex items-start gap-1.5 rounded-md bg-bad-soft px-2.5 py-1.5 text-xs whitespace-pre-wrap text-bad-strong">
                          <TriangleAlert aria-hidden className="mt-px size-3.5 shrink-0" />
                          {s.error}
                        </p>
                      )}
                      {/* A deploy step with "Require approval" waits like an approval step. */}
                      {s.type === 'control.approval' || (s.status === 'running' && s.summary?.awaiting === 'approval') ? (
                        <ApprovalCell run={r} step={s} />
                      ) : s.summary && Object.keys(s.summary).length > 0 ? (
                        <StepSummary
                          summary={s.summary}
                          downloadHref={`/api/v1/runs/${encodeURIComponent(r.runId)}/steps/${encodeURIComponent(s.nodeId)}/file`}
                        />
                      ) : (
                        !s.error && (
                          <span className="text-xs text-fg-subtle">
                            {s.status === 'skipped' ? 'Skipped: an upstream gate or step did not pass' : s.status === 'running' ? 'Working…' : '—'}
                          </span>
                        )
                      )}
                      <RunOutputButtons key={`${s.nodeId}:${s.status}`} runId={r.runId} nodeId={s.nodeId} succeeded={s.status === 'succeeded'} />
                    </td>
                  </tr>
                );
              })}
              {r.steps.length === 0 && (
                <tr>
                  <td colSpan={5} className="px-5 py-8 text-center text-sm text-fg-muted">
                    The run is queued; its steps appear when a worker picks it up.
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
      </Card>
      {selectedStep && (
        <StepDrawer run={r} step={selectedStep} onClose={() => setSelected(undefined)}>
          <RunOutputButtons key={`${selectedStep.nodeId}:${selectedStep.status}`} runId={r.runId} nodeId={selectedStep.nodeId} succeeded={selectedStep.status === 'succeeded'} />
        </StepDrawer>
      )}
    </div>
  );
}

function RunAgain({ pipeline, version, params }: { pipeline: string; version: number; params: Record<string, unknown> }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const start = useMutation(trpc.runs.start.mutationOptions());
  const [error, setError] = useState<string>();
  const editing = useRole().can('editor');
  return (
    <>
      <Button
        variant="primary"
        disabled={start.isPending || !editing.allowed}
        title={editing.reason}
        onClick={() =>
          start.mutate(
            // The same values again: a person who wants others edits them in the editor's Run dialog.
            { pipeline, version, ...(Object.keys(params).length ? { params: params as Record<string, string | number | boolean> } : {}) },
            {
              onSuccess: (started) => {
                if (!started.ok) {
                  setError(`Cannot run: ${started.errors.map((e) => (e.nodeId ? `${e.nodeId}: ${e.message}` : e.message)).join('; ')}`);
                  return;
                }
                void queryClient.invalidateQueries({ queryKey: trpc.runs.pathKey() });
                router.push(`/runs/${started.runId}`);
              },
              onError: (err) => setError(err.message),
            },
          )
        }
      >
        {start.isPending ? <LoaderCircle aria-hidden className="animate-spin" /> : <RotateCw aria-hidden />}
        Run again
      </Button>
      {error && (
        <p role="alert" className="text-xs text-bad-strong">
          {error}
        </p>
      )}
    </>
  );
}

/** The values the run's pipeline parameters had. */
function RunParameters({ params }: { params: Record<string, unknown> }) {
  const entries = Object.entries(params).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) return null;
  return (
    <section aria-labelledby="run-parameters-heading" className="rounded-(--radius-card) border border-line bg-surface px-5 py-3">
      <h2 id="run-parameters-heading" className="mb-2 text-[11px] font-semibold tracking-wider text-fg-subtle uppercase">
        Parameters
      </h2>
      <dl className="flex flex-wrap gap-x-8 gap-y-2 text-sm">
        {entries.map(([name, value]) => (
          <div key={name} className="min-w-0">
            <dt className="font-mono text-xs text-fg-muted">{name}</dt>
            <dd className="font-medium text-fg tabular-nums">{parameterValueText(value)}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

function CancelRun({ runId }: { runId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const cancel = useMutation(trpc.runs.cancel.mutationOptions());
  return (
    <Button
      variant="danger"
      disabled={cancel.isPending}
      onClick={() =>
        cancel.mutate({ runId }, { onSettled: () => void queryClient.invalidateQueries({ queryKey: trpc.runs.get.queryKey({ runId }) }) })
      }
      title={cancel.error?.message}
    >
      <CircleStop aria-hidden />
      Cancel run
    </Button>
  );
}

function RunSkeleton() {
  return (
    <div role="status" aria-label="Loading run" className="mx-auto w-full max-w-7xl space-y-5 px-6 py-6">
      <Skeleton className="h-4 w-48" />
      <Skeleton className="h-8 w-96" />
      <Skeleton className="h-[300px] w-full rounded-(--radius-card)" />
      <Skeleton className="h-64 w-full rounded-(--radius-card)" />
    </div>
  );
}
