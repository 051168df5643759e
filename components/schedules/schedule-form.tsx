'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { CalendarPlus, LoaderCircle } from 'lucide-react';
import { useId, useMemo, useState, useSyncExternalStore, type ReactNode } from 'react';
import {
  OVERLAP_LABELS,
  OVERLAP_POLICIES,
  SCHEDULE_NAME,
  WEEKDAYS,
  cronProblem,
  cronToPreset,
  describeSpec,
  isTimeZone,
  presetToCron,
  type OverlapPolicy,
  type PresetValues,
  type ScheduleSpec,
} from '../../workflows/core/schedule-spec';
import type { ParameterDeclaration } from '../../workflows/core/parameters';
import { initialParameterValues, ParameterValueFields, parameterValueProblems } from '../inspector/parameter-value-fields';
import { useTRPC } from '../trpc';
import { Button } from '../ui/button';
import { useRole } from '../auth/use-role';

type Kind = PresetValues['preset'] | 'interval';

const KIND_LABELS: Record<Kind, string> = {
  hourly: 'Hourly',
  daily: 'Daily at',
  weekly: 'Weekly on',
  monthly: 'Monthly',
  interval: 'Every … (interval)',
  custom: 'Custom cron',
};

const UNITS = { seconds: 1, minutes: 60, hours: 3600, days: 86400 } as const;

const input = 'h-8 w-full rounded-md border border-line-strong bg-surface px-2 text-sm';
const labelCls = 'block text-xs font-medium text-fg-muted';

function Field({ label, htmlFor, children, hint }: { label: string; htmlFor: string; children: ReactNode; hint?: string }) {
  return (
    <div className="space-y-1">
      <label htmlFor={htmlFor} className={labelCls}>
        {label}
      </label>
      {children}
      {hint && <p className="text-xs text-fg-subtle">{hint}</p>}
    </div>
  );
}

function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

const noSubscription = () => () => {};

function timeZones(): string[] {
  try {
    return ['UTC', ...Intl.supportedValuesOf('timeZone')];
  } catch {
    return ['UTC'];
  }
}

/** What the form edits when it changes an existing schedule. */
export interface ExistingSchedule {
  name: string;
  spec?: ScheduleSpec;
  overlap?: OverlapPolicy;
  catchupWindowSeconds?: number;
  note?: string;
  /** The values it passes to the pipeline's parameters. */
  params?: Record<string, unknown>;
}

function intervalParts(seconds: number): { count: number; unit: keyof typeof UNITS } {
  for (const unit of ['days', 'hours', 'minutes'] as const) if (seconds % UNITS[unit] === 0) return { count: seconds / UNITS[unit], unit };
  return { count: seconds, unit: 'seconds' };
}

/**
 * The form that makes a schedule (or, given `existing`, changes one): presets that write a cron
 * expression, shown and described in words.
 */
export function ScheduleForm({ pipeline, existing, onDone }: { pipeline: string; existing?: ExistingSchedule; onDone?: () => void }) {
  const editing = useRole().can('editor');
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const create = useMutation(trpc.schedules.create.mutationOptions());
  const update = useMutation(trpc.schedules.update.mutationOptions());
  const id = useId();
  const start = existing?.spec;
  const startPreset = start?.kind === 'cron' ? cronToPreset(start.cron) : undefined;
  const [name, setName] = useState(existing?.name ?? '');
  const [kind, setKind] = useState<Kind>(start?.kind === 'interval' ? 'interval' : (startPreset?.preset ?? 'daily'));
  const [values, setValues] = useState<PresetValues>(
    startPreset ?? { preset: 'daily', minute: 0, time: '09:00', weekday: 1, dayOfMonth: 1, cron: '0 9 * * *' },
  );
  const [every, setEvery] = useState(start?.kind === 'interval' ? intervalParts(start.everySeconds) : { count: 15, unit: 'minutes' as keyof typeof UNITS });
  // The browser's own zone until the person picks one (the server render cannot know it: UTC there).
  const browserZone = useSyncExternalStore(noSubscription, browserTimeZone, () => 'UTC');
  const [pickedZone, setTimezone] = useState<string | undefined>(start?.timezone);
  const timezone = pickedZone ?? browserZone;
  const [overlap, setOverlap] = useState<OverlapPolicy>(existing?.overlap ?? 'skip');
  const [catchupMinutes, setCatchupMinutes] = useState(existing?.catchupWindowSeconds ? Math.max(1, Math.round(existing.catchupWindowSeconds / 60)) : 60);
  const [note, setNote] = useState(existing?.note ?? '');
  const [error, setError] = useState<string>();
  // The pipeline's newest version declares the parameters each firing passes values to.
  const pipelineDoc = useQuery(trpc.pipelines.get.queryOptions({ name: pipeline }));
  const datasets = useQuery(trpc.datasets.list.queryOptions());
  const parameters: readonly ParameterDeclaration[] = pipelineDoc.data?.document.parameters ?? [];
  // Untouched, the fields show the schedule's values (or the defaults) once the declarations have loaded.
  const [editedParams, setParams] = useState<Record<string, unknown>>();
  // Values for parameters the pipeline no longer declares are not offered again.
  const kept = Object.fromEntries(Object.entries(existing?.params ?? {}).filter(([n]) => parameters.some((p) => p.name === n)));
  const params = editedParams ?? initialParameterValues(parameters, kept);
  const [triedParams, setTriedParams] = useState(false);
  const paramIssues = parameterValueProblems(parameters, params);
  const pending = create.isPending || update.isPending;
  const zones = useMemo(() => timeZones(), []);

  const spec: ScheduleSpec | undefined =
    kind === 'interval'
      ? { kind: 'interval', everySeconds: Math.max(1, Math.round(every.count * UNITS[every.unit])), offsetSeconds: 0, timezone }
      : { kind: 'cron', cron: presetToCron({ ...values, preset: kind }), timezone };
  const problem =
    (spec.kind === 'cron' ? cronProblem(spec.cron) : undefined) ??
    (!isTimeZone(timezone) ? `"${timezone}" is not a known time zone` : undefined) ??
    (name && !SCHEDULE_NAME.test(name) ? 'The name is lowercase letters, digits, "-" and "_"' : undefined);
  const set = (patch: Partial<PresetValues>) => setValues((v) => ({ ...v, ...patch }));

  const submit = () => {
    setError(undefined);
    if (!name) return setError('Give the schedule a name');
    if (problem || !spec) return setError(problem);
    setTriedParams(true);
    // Saving without the declarations would drop the values the person cannot see.
    if (pipelineDoc.isPending) return setError('The pipeline’s parameters are still loading');
    if (pipelineDoc.isError) return setError(`Could not read the pipeline’s parameters: ${pipelineDoc.error.message}`);
    if (paramIssues.length > 0) return setError(`Check the parameter values: ${paramIssues.map((i) => i.message).join('; ')}`);
    const fields = { spec, overlap, catchupWindowSeconds: Math.max(10, catchupMinutes * 60), params };
    const done = {
      onSuccess: () => {
        void queryClient.invalidateQueries({ queryKey: trpc.schedules.pathKey() });
        if (!existing) {
          setName('');
          setNote('');
          setParams(undefined);
          setTriedParams(false);
        }
        onDone?.();
      },
      onError: (err: { message: string }) => setError(err.message),
    };
    if (existing) update.mutate({ pipeline, name, change: { ...fields, note } }, done);
    else create.mutate({ pipeline, schedule: { name, ...fields, note: note || undefined } }, done);
  };

  return (
    <form
      aria-label={existing ? `Change schedule ${existing.name}` : 'New schedule'}
      className="space-y-4"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <div className="grid gap-3 sm:grid-cols-2">
        <Field label="Schedule name" htmlFor={`${id}-name`} hint="e.g. nightly; unique for this pipeline">
          <input
            id={`${id}-name`}
            className={input}
            value={name}
            readOnly={Boolean(existing)}
            onChange={(e) => setName(e.target.value.trim())}
            autoComplete="off"
          />
        </Field>
        <Field label="Repeat" htmlFor={`${id}-kind`}>
          <select id={`${id}-kind`} className={input} value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
            {(Object.keys(KIND_LABELS) as Kind[]).map((k) => (
              <option key={k} value={k}>
                {KIND_LABELS[k]}
              </option>
            ))}
          </select>
        </Field>

        {kind === 'hourly' && (
          <Field label="Minutes past the hour" htmlFor={`${id}-minute`}>
            <input
              id={`${id}-minute`}
              type="number"
              min={0}
              max={59}
              className={input}
              value={values.minute}
              onChange={(e) => set({ minute: Math.min(59, Math.max(0, Number(e.target.value) || 0)) })}
            />
          </Field>
        )}
        {kind === 'weekly' && (
          <Field label="Day of the week" htmlFor={`${id}-weekday`}>
            <select id={`${id}-weekday`} className={input} value={values.weekday} onChange={(e) => set({ weekday: Number(e.target.value) })}>
              {WEEKDAYS.map((d, i) => (
                <option key={d} value={i}>
                  {d}
                </option>
              ))}
            </select>
          </Field>
        )}
        {kind === 'monthly' && (
          <Field label="Day of the month" htmlFor={`${id}-dom`} hint="1–28, so that every month has it">
            <input
              id={`${id}-dom`}
              type="number"
              min={1}
              max={28}
              className={input}
              value={values.dayOfMonth}
              onChange={(e) => set({ dayOfMonth: Math.min(28, Math.max(1, Number(e.target.value) || 1)) })}
            />
          </Field>
        )}
        {(kind === 'daily' || kind === 'weekly' || kind === 'monthly') && (
          <Field label="Time of day" htmlFor={`${id}-time`}>
            <input id={`${id}-time`} type="time" className={input} value={values.time} onChange={(e) => set({ time: e.target.value || '00:00' })} />
          </Field>
        )}
        {kind === 'custom' && (
          <Field label="Cron expression" htmlFor={`${id}-cron`} hint="minute hour day-of-month month day-of-week">
            <input id={`${id}-cron`} className={`${input} font-mono`} value={values.cron} onChange={(e) => set({ cron: e.target.value })} />
          </Field>
        )}
        {kind === 'interval' && (
          <div className="flex gap-2">
            <Field label="Every" htmlFor={`${id}-every`}>
              <input
                id={`${id}-every`}
                type="number"
                min={1}
                className={input}
                value={every.count}
                onChange={(e) => setEvery((v) => ({ ...v, count: Math.max(1, Number(e.target.value) || 1) }))}
              />
            </Field>
            <Field label="Unit" htmlFor={`${id}-unit`}>
              <select id={`${id}-unit`} className={input} value={every.unit} onChange={(e) => setEvery((v) => ({ ...v, unit: e.target.value as keyof typeof UNITS }))}>
                {Object.keys(UNITS).map((u) => (
                  <option key={u}>{u}</option>
                ))}
              </select>
            </Field>
          </div>
        )}
        <Field label="Time zone" htmlFor={`${id}-tz`}>
          <input id={`${id}-tz`} list={`${id}-zones`} className={input} value={timezone} onChange={(e) => setTimezone(e.target.value)} />
          <datalist id={`${id}-zones`}>
            {zones.map((z) => (
              <option key={z} value={z} />
            ))}
          </datalist>
        </Field>
      </div>

      <div role="status" aria-label="Schedule preview" className="rounded-lg border border-line bg-app px-3 py-2 text-sm">
        {problem ? (
          <span className="text-bad-strong">{problem}</span>
        ) : (
          <>
            <span className="font-medium text-fg">{describeSpec(spec)}</span>
            {spec.kind === 'cron' && (
              <span className="ml-2 text-xs text-fg-muted">
                cron <code className="font-mono">{spec.cron}</code>
              </span>
            )}
          </>
        )}
      </div>

      {parameters.length > 0 && (
        <fieldset className="space-y-3">
          <legend className={labelCls}>Parameter values for each run (starting from the pipeline’s defaults)</legend>
          <ParameterValueFields
            parameters={parameters}
            values={params}
            onChange={setParams}
            datasets={datasets.data ?? []}
            idPrefix={id}
            problemOf={(n) => (triedParams ? paramIssues.find((i) => i.name === n)?.message : undefined)}
          />
        </fieldset>
      )}
      {pipelineDoc.isError && (
        <p role="alert" className="text-sm text-bad-strong">
          Could not read the pipeline’s parameters: {pipelineDoc.error.message}
        </p>
      )}

      <details className="text-sm">
        <summary className="cursor-pointer text-xs font-medium text-fg-muted">Overlap, catch-up and note</summary>
        <div className="mt-3 grid gap-3 sm:grid-cols-2">
          <Field label="When the previous run is still going" htmlFor={`${id}-overlap`}>
            <select id={`${id}-overlap`} className={input} value={overlap} onChange={(e) => setOverlap(e.target.value as OverlapPolicy)}>
              {OVERLAP_POLICIES.map((p) => (
                <option key={p} value={p}>
                  {OVERLAP_LABELS[p]}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Catch-up window (minutes)" htmlFor={`${id}-catchup`} hint="After an outage, missed times younger than this still run">
            <input
              id={`${id}-catchup`}
              type="number"
              min={1}
              className={input}
              value={catchupMinutes}
              onChange={(e) => setCatchupMinutes(Math.max(1, Number(e.target.value) || 1))}
            />
          </Field>
          <div className="sm:col-span-2">
            <Field label="Note" htmlFor={`${id}-note`}>
              <input id={`${id}-note`} className={input} value={note} maxLength={1000} onChange={(e) => setNote(e.target.value)} />
            </Field>
          </div>
        </div>
      </details>

      {error && (
        <p role="alert" className="text-sm text-bad-strong">
          {error}
        </p>
      )}
      <div className="flex gap-2">
        <Button type="submit" variant="primary" disabled={pending || !editing.allowed} title={editing.reason}>
          {pending ? <LoaderCircle aria-hidden className="animate-spin" /> : <CalendarPlus aria-hidden />}
          {existing ? 'Save changes' : 'Create schedule'}
        </Button>
        {existing && (
          <Button variant="ghost" onClick={onDone}>
            Cancel
          </Button>
        )}
      </div>
    </form>
  );
}
