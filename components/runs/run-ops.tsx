'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Check, History, LoaderCircle, RotateCw, Undo2, Wrench, X } from 'lucide-react';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useId, useState } from 'react';
import type { RouterOutputs } from '../trpc';
import { useTRPC } from '../trpc';
import { Button, buttonClasses } from '../ui/button';
import { formatDateTime, formatRelative } from '../ui/format';
import { useRole } from '../auth/use-role';

// The run page's run operations: where a run came from and what resumed it, cached steps, approval
// decisions, fix and resume, and running again without the cache.

type Run = RouterOutputs['runs']['get'];
type RunStep = Run['steps'][number];

const short = (runId: string) => runId.slice(0, 8);

/** "Resumes run …" and "Resumed by run …", under the run's title. */
export function RunLinks({ run }: { run: Run }) {
  if (!run.rerunOf && run.resumedBy.length === 0) return null;
  return (
    <p className="mt-1 flex flex-wrap items-center gap-x-3 gap-y-1 text-sm text-fg-muted">
      {run.rerunOf && (
        <span className="inline-flex items-center gap-1">
          <Undo2 aria-hidden className="size-3.5" />
          Resumes failed run{' '}
          <Link href={`/runs/${run.rerunOf}`} className="font-mono text-accent-strong hover:underline">
            {short(run.rerunOf)}
          </Link>
        </span>
      )}
      {run.resumedBy.length > 0 && (
        <span className="inline-flex items-center gap-1">
          <History aria-hidden className="size-3.5" />
          Resumed by run{run.resumedBy.length > 1 ? 's' : ''}{' '}
          {run.resumedBy.map((r, i) => (
            <span key={r.runId}>
              {i > 0 && ', '}
              <Link href={`/runs/${r.runId}`} className="font-mono text-accent-strong hover:underline">
                {short(r.runId)}
              </Link>{' '}
              ({r.status})
            </span>
          ))}
        </span>
      )}
    </p>
  );
}

/** A step that reused an earlier run's outputs instead of running. */
export function CachedNote({ step, resumed }: { step: RunStep; resumed: boolean }) {
  if (!step.cachedFrom) return null;
  return (
    <p className="mb-2 text-xs text-fg-muted">
      <span className="mr-1.5 rounded bg-accent-soft px-1.5 py-0.5 font-medium text-accent-strong">{resumed ? 'reused' : 'cached'}</span>
      Not run: outputs of run{' '}
      <Link href={`/runs/${step.cachedFrom}`} className="font-mono text-accent-strong hover:underline" aria-label={`Run ${step.cachedFrom} (the outputs of ${step.nodeId})`}>
        {short(step.cachedFrom)}
      </Link>
    </p>
  );
}

/** An approval step: Approve and Reject while it waits, the decision once taken. */
export function ApprovalCell({ run, step }: { run: Run; step: RunStep }) {
  const decision = run.approvals.find((a) => a.nodeId === step.nodeId);
  if (decision) {
    return (
      <div className="text-xs text-fg-muted">
        <p>
          <span className={decision.decision === 'approve' ? 'font-medium text-ok-strong' : 'font-medium text-bad-strong'}>
            {decision.decision === 'approve' ? 'Approved' : 'Rejected'}
          </span>{' '}
          {decision.by === 'timeout' ? 'when the timeout ran out' : <>by {decision.by}</>} ·{' '}
          <time dateTime={new Date(decision.at).toISOString()} title={formatDateTime(decision.at)}>
            {formatRelative(decision.at)}
          </time>
        </p>
        {decision.comment && <p className="mt-1 whitespace-pre-wrap text-fg">“{decision.comment}”</p>}
      </div>
    );
  }
  if (step.status === 'running' && step.summary?.awaiting === 'approval') return <ApprovalForm run={run} step={step} />;
  return null;
}

function ApprovalForm({ run, step }: { run: Run; step: RunStep }) {
  const deciding = useRole().can('deployer');
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const decide = useMutation(trpc.runs.decideApproval.mutationOptions());
  const [comment, setComment] = useState('');
  const commentId = useId();
  const deadline = typeof step.summary?.deadline === 'string' ? step.summary.deadline : undefined;
  const onTimeout = step.summary?.onTimeout === 'approve' ? 'approved' : 'rejected';
  const instructions = typeof step.summary?.instructions === 'string' ? step.summary.instructions : undefined;
  const send = (decision: 'approve' | 'reject') =>
    decide.mutate(
      { runId: run.runId, nodeId: step.nodeId, decision, comment: comment.trim() || undefined },
      { onSuccess: () => void queryClient.invalidateQueries({ queryKey: trpc.runs.get.queryKey({ runId: run.runId }) }) },
    );
  return (
    <div role="group" aria-label={`Approval of ${step.nodeId}`} className="space-y-2 rounded-lg border border-warn/40 bg-warn-soft px-3 py-2.5">
      <p className="text-xs font-medium text-warn-strong">
        Waiting for a decision{deadline && <> · {onTimeout} {formatRelative(deadline)} if nobody decides</>}
      </p>
      {instructions && <p className="text-sm whitespace-pre-wrap text-fg">{instructions}</p>}
      <label htmlFor={commentId} className="block text-xs font-medium text-fg">
        Comment (optional)
      </label>
      <textarea
        id={commentId}
        rows={2}
        maxLength={2000}
        value={comment}
        onChange={(e) => setComment(e.target.value)}
        className="w-full resize-y rounded-md border border-line-strong bg-surface px-2 py-1 text-sm focus:border-accent focus:ring-2 focus:ring-accent/20 focus:outline-none"
      />
      <div className="flex gap-2">
        <Button size="sm" variant="primary" disabled={decide.isPending || !deciding.allowed} title={deciding.reason} onClick={() => send('approve')}>
          <Check aria-hidden />
          Approve
        </Button>
        <Button size="sm" variant="danger" disabled={decide.isPending || !deciding.allowed} title={deciding.reason} onClick={() => send('reject')}>
          <X aria-hidden />
          Reject
        </Button>
      </div>
      {decide.error && (
        <p role="alert" className="text-xs text-bad-strong">
          {decide.error.message}
        </p>
      )}
    </div>
  );
}

/** On a failed run: open the editor on its version; saving there resumes the run (see the editor's resume mode). */
export function FixAndResume({ run }: { run: Run }) {
  return (
    <Link
      href={`/pipelines/${run.pipeline}?version=${run.version}&resume=${run.runId}`}
      className={buttonClasses('primary')}
      title="Edit the failing step, save, and resume from it reusing everything that succeeded"
    >
      <Wrench aria-hidden />
      Fix and resume
    </Link>
  );
}

/** A new run of the same version in which every step runs, even where an identical earlier result exists. */
export function RunIgnoringCache({ pipeline, version }: { pipeline: string; version: number }) {
  const editing = useRole().can('editor');
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const start = useMutation(trpc.runs.start.mutationOptions());
  return (
    <Button
      disabled={start.isPending || !editing.allowed}
      title={editing.reason ?? start.error?.message ?? 'Run every step again, even where an identical earlier result could be reused'}
      onClick={() =>
        start.mutate(
          { pipeline, version, ignoreCache: true },
          {
            onSuccess: (started) => {
              if (!started.ok) return;
              void queryClient.invalidateQueries({ queryKey: trpc.runs.pathKey() });
              router.push(`/runs/${started.runId}`);
            },
          },
        )
      }
    >
      {start.isPending ? <LoaderCircle aria-hidden className="animate-spin" /> : <RotateCw aria-hidden />}
      Run again ignoring the cache
    </Button>
  );
}
