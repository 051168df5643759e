'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { CalendarClock, Pause, Pencil, Play, Trash2, Zap } from 'lucide-react';
import Link from 'next/link';
import { useId, useState } from 'react';
import { OVERLAP_LABELS } from '../../workflows/core/schedule-spec';
import { ParameterValueList } from '../inspector/parameter-value-fields';
import { useTRPC, type RouterOutputs } from '../trpc';
import { Badge } from '../ui/badge';
import { Button } from '../ui/button';
import { formatRelative } from '../ui/format';
import { EmptyState, ErrorState, LoadingRows } from '../ui/states';
import { StatusBadge } from '../ui/status-badge';
import { ScheduleForm } from './schedule-form';
import type { RunStatus } from '../../workflows/core/plan';
import { useRole } from '../auth/use-role';

const RUN_STATUSES = new Set(['queued', 'running', 'succeeded', 'failed', 'cancelled']);

/** A time as the schedule's own time zone reads it. */
export function formatInZone(date: Date | string, timeZone = 'UTC'): string {
  try {
    return new Date(date).toLocaleString('en', { timeZone, dateStyle: 'medium', timeStyle: 'short' });
  } catch {
    return new Date(date).toISOString();
  }
}

/** Schedules (of one pipeline, or all) as Temporal describes them, with what Millrace knows of who changed them. */
export function ScheduleTable({ pipeline }: { pipeline?: string }) {
  const trpc = useTRPC();
  const schedules = useQuery(trpc.schedules.list.queryOptions(pipeline ? { pipeline } : undefined, { refetchInterval: 5000 }));

  if (schedules.isPending) return <LoadingRows label="Loading schedules" />;
  if (schedules.isError) {
    return (
      <ErrorState
        title="Could not load the schedules"
        message={schedules.error.message}
        action={
          <Button size="sm" onClick={() => schedules.refetch()}>
            Try again
          </Button>
        }
      />
    );
  }
  if (schedules.data.length === 0) {
    return (
      <EmptyState icon={<CalendarClock />} title="No schedules yet">
        {pipeline ? 'Create one with the form.' : 'Open a pipeline and choose Schedules to make one.'}
      </EmptyState>
    );
  }
  return (
    <ul aria-label="Schedules" className="divide-y divide-line">
      {schedules.data.map((s) => (
        <ScheduleRow key={s.id} schedule={s} showPipeline={!pipeline} />
      ))}
    </ul>
  );
}

type Schedule = RouterOutputs['schedules']['list'][number];

function ScheduleRow({ schedule: s, showPipeline }: { schedule: Schedule; showPipeline: boolean }) {
  const mayEdit = useRole().can('editor');
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const refresh = () => void queryClient.invalidateQueries({ queryKey: trpc.schedules.pathKey() });
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const [editing, setEditing] = useState(false);
  const options = { onSuccess: refresh, onError: (err: { message: string }) => setError(err.message) };
  const setPaused = useMutation(trpc.schedules.setPaused.mutationOptions(options));
  const trigger = useMutation(trpc.schedules.trigger.mutationOptions(options));
  const remove = useMutation(trpc.schedules.delete.mutationOptions(options));
  const ref = { pipeline: s.pipeline, name: s.name };
  const tz = s.spec?.timezone ?? 'UTC';
  const last = s.lastRun;

  return (
    <li aria-label={`Schedule ${s.name}${showPipeline ? ` of ${s.pipeline}` : ''}`} className="space-y-2 px-5 py-4">
      <div className="flex flex-wrap items-center gap-2">
        <CalendarClock aria-hidden className="size-4 text-fg-subtle" />
        <span className="font-medium text-fg">{s.name}</span>
        {showPipeline && (
          <Link href={`/pipelines/${s.pipeline}/schedules`} className="text-sm text-accent-strong hover:underline">
            {s.pipeline}
          </Link>
        )}
        {s.paused ? <Badge tone="warn">Paused</Badge> : s.paused === false ? <Badge tone="ok">Active</Badge> : null}
        {s.running > 0 && <Badge tone="run">{s.running} running</Badge>}
        <div className="ml-auto flex items-center gap-1.5">
          <Button
            size="sm"
            disabled={setPaused.isPending || s.paused === undefined || !mayEdit.allowed}
            title={mayEdit.reason}
            onClick={() => {
              setError(undefined);
              setPaused.mutate({ ...ref, paused: !s.paused });
            }}
          >
            {s.paused ? <Play aria-hidden /> : <Pause aria-hidden />}
            {s.paused ? 'Resume' : 'Pause'}
          </Button>
          <Button
            size="sm"
            disabled={trigger.isPending || s.paused === undefined || !mayEdit.allowed}
            title={mayEdit.reason}
            onClick={() => {
              setError(undefined);
              trigger.mutate(ref, { onSuccess: () => setNotice('Started a run; it appears below in a moment') });
            }}
          >
            <Zap aria-hidden />
            Run now
          </Button>
          <Button size="sm" aria-expanded={editing} disabled={!s.spec} onClick={() => setEditing((e) => !e)}>
            <Pencil aria-hidden />
            Change
          </Button>
          <Button
            size="sm"
            variant="danger"
            aria-label={`Delete schedule ${s.name}`}
            disabled={remove.isPending || !mayEdit.allowed}
            title={mayEdit.reason}
            onClick={() => {
              if (window.confirm(`Delete the schedule "${s.name}"? Runs it started are kept.`)) remove.mutate(ref);
            }}
          >
            <Trash2 aria-hidden />
          </Button>
        </div>
      </div>
      {s.problem ? (
        <p role="alert" className="text-sm text-bad-strong">
          {s.problem}
        </p>
      ) : (
        <p className="text-sm text-fg">
          {s.description}
          {s.spec?.kind === 'cron' && <code className="ml-2 font-mono text-xs text-fg-muted">{s.spec.cron}</code>}
        </p>
      )}
      <dl className="grid gap-x-6 gap-y-1 text-xs text-fg-muted sm:grid-cols-[auto_1fr]">
        <dt>Next runs</dt>
        <dd>
          {s.nextRuns.length > 0 ? (
            <ul aria-label={`Next runs of ${s.name}`} className="flex flex-wrap gap-x-3">
              {s.nextRuns.slice(0, 3).map((t) => (
                <li key={String(t)}>
                  {formatInZone(t, tz)} <span className="text-fg-subtle">({tz})</span>
                </li>
              ))}
            </ul>
          ) : (
            <span>{s.paused ? 'None while paused' : '—'}</span>
          )}
        </dd>
        <dt>Last run</dt>
        <dd>
          {last ? (
            <span className="inline-flex flex-wrap items-center gap-2">
              {RUN_STATUSES.has(last.status) ? <StatusBadge status={last.status as RunStatus} /> : <Badge tone="bad">{last.status}</Badge>}
              {last.runId ? (
                <Link href={`/runs/${last.runId}`} className="text-accent-strong hover:underline">
                  {last.scheduledAt ? `for ${formatInZone(last.scheduledAt, tz)}` : formatRelative(last.at)}
                </Link>
              ) : (
                <span>{formatRelative(last.at)}</span>
              )}
              {last.message && <span className="text-bad-strong">{last.message}</span>}
            </span>
          ) : (
            'Not yet'
          )}
        </dd>
        {!s.problem && (
          <>
            <dt>Parameters</dt>
            <dd>
              <ParameterValueList values={s.params} label={`Parameter values of ${s.name}`} />
            </dd>
          </>
        )}
        {s.overlap && (
          <>
            <dt>Overlap</dt>
            <dd>{OVERLAP_LABELS[s.overlap]}</dd>
          </>
        )}
        <dt>Changed</dt>
        <dd>
          {s.lastChange} by {s.updatedBy} {formatRelative(s.updatedAt)}
          {s.createdBy !== s.updatedBy && <> · created by {s.createdBy}</>}
          {s.stateNote && <> · “{s.stateNote}”</>}
        </dd>
        {s.note && (
          <>
            <dt>Note</dt>
            <dd>{s.note}</dd>
          </>
        )}
      </dl>
      {editing && s.spec && (
        <div className="rounded-lg border border-line p-4">
          <ScheduleForm pipeline={s.pipeline} existing={{ ...s, spec: s.spec }} onDone={() => setEditing(false)} />
        </div>
      )}
      <Backfill pipeline={s.pipeline} name={s.name} onDone={(text) => setNotice(text)} onError={setError} />
      {notice && (
        <p role="status" className="text-xs text-ok-strong">
          {notice}
        </p>
      )}
      {error && (
        <p role="alert" className="text-sm text-bad-strong">
          {error}
        </p>
      )}
    </li>
  );
}

function Backfill({ pipeline, name, onDone, onError }: { pipeline: string; name: string; onDone: (text: string) => void; onError: (text: string) => void }) {
  const trpc = useTRPC();
  const id = useId();
  const backfill = useMutation(trpc.schedules.backfill.mutationOptions());
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const cls = 'h-7 rounded-md border border-line-strong bg-surface px-1.5 text-xs';
  return (
    <details className="text-xs">
      <summary className="cursor-pointer font-medium text-fg-muted">Backfill a past range</summary>
      <form
        aria-label={`Backfill ${name}`}
        className="mt-2 flex flex-wrap items-end gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          if (!from || !to) return onError('Give both ends of the range');
          backfill.mutate(
            { pipeline, name, range: { from: new Date(from), to: new Date(to), concurrent: false } },
            { onSuccess: () => onDone('Backfill started: one run per scheduled time in the range, one after another'), onError: (err) => onError(err.message) },
          );
        }}
      >
        <label htmlFor={`${id}-from`} className="text-fg-muted">
          From
        </label>
        <input id={`${id}-from`} type="datetime-local" className={cls} value={from} onChange={(e) => setFrom(e.target.value)} />
        <label htmlFor={`${id}-to`} className="text-fg-muted">
          To
        </label>
        <input id={`${id}-to`} type="datetime-local" className={cls} value={to} onChange={(e) => setTo(e.target.value)} />
        <Button size="sm" type="submit" disabled={backfill.isPending}>
          Backfill
        </Button>
      </form>
    </details>
  );
}
