import {
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  isGrpcServiceError,
  type CalendarSpecDescription,
  type ScheduleDescription,
  type ScheduleOverlapPolicy,
  type ScheduleSpec as TemporalScheduleSpec,
} from '@temporalio/client';
import { and, desc, eq, inArray } from 'drizzle-orm';
import { getDb } from '../../db/client';
import { pipelines, runs, scheduleNotes, triggerFirings } from '../../db/schema';
import {
  backfillSchema,
  createScheduleSchema,
  describeSpec,
  scheduleIdOf,
  updateScheduleSchema,
  type CreateScheduleInput,
  type OverlapPolicy,
  type ScheduleSpec,
  type ScheduledRunInput,
  type UpdateScheduleInput,
} from '../../workflows/core/schedule-spec';
import { ServiceError, notFound } from '../infra/errors';
import { currentActor, currentWorkspaceId, defaultWorkspaceId } from '../infra/workspace';
import { taskQueues, temporalClient } from '../temporal';
import { checkParameterValues } from './parameter-values';

// A pipeline's schedules. Temporal holds each schedule (its times, time zone, policies, paused state,
// next and recent actions) and fires it; Postgres holds only who created and last changed it and a note.

const TO_TEMPORAL: Record<OverlapPolicy, ScheduleOverlapPolicy> = {
  skip: 'SKIP',
  buffer_one: 'BUFFER_ONE',
  cancel_previous: 'CANCEL_OTHER',
  allow_all: 'ALLOW_ALL',
};
const FROM_TEMPORAL: Partial<Record<string, OverlapPolicy>> = Object.fromEntries(Object.entries(TO_TEMPORAL).map(([k, v]) => [v, k]));

export interface ScheduleView {
  id: string;
  pipeline: string;
  name: string;
  /** Read back from Temporal; undefined when Temporal no longer has the schedule (see `problem`). */
  spec?: ScheduleSpec;
  description?: string;
  overlap?: OverlapPolicy;
  catchupWindowSeconds?: number;
  paused?: boolean;
  /** Temporal's note on the state (why it was paused). */
  stateNote?: string;
  params: Record<string, unknown>;
  nextRuns: Date[];
  running: number;
  actionsTaken: number;
  lastRun?: { runId?: string; status: string; scheduledAt?: Date; at: Date; message?: string };
  note?: string;
  createdBy: string;
  updatedBy: string;
  lastChange: string;
  createdAt: Date;
  updatedAt: Date;
  problem?: string;
}

/** Temporal's answers as errors a person can act on. */
async function onTemporal<T>(what: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof ServiceError) throw err;
    if (err instanceof ScheduleNotFoundError) throw notFound(what);
    if (err instanceof ScheduleAlreadyRunning) throw new ServiceError('conflict', `${what} already exists`);
    if (isGrpcServiceError(err)) {
      // 3 INVALID_ARGUMENT, 14 UNAVAILABLE, 4 DEADLINE_EXCEEDED
      if (err.code === 3) throw new ServiceError('invalid', `Temporal refused ${what}: ${err.details || err.message}`);
      if (err.code === 14 || err.code === 4) throw new ServiceError('unavailable', `Temporal is not reachable: ${err.details || err.message}`);
    }
    throw err;
  }
}

async function client() {
  return temporalClient().catch((err: Error) => {
    throw new ServiceError('unavailable', `Temporal is not reachable: ${err.message}`);
  });
}

function toTemporalSpec(spec: ScheduleSpec): TemporalScheduleSpec {
  return spec.kind === 'cron'
    ? { cronExpressions: [spec.cron], timezone: spec.timezone }
    : { intervals: [{ every: spec.everySeconds * 1000, offset: spec.offsetSeconds * 1000 }], timezone: spec.timezone };
}

const MONTHS = ['JANUARY', 'FEBRUARY', 'MARCH', 'APRIL', 'MAY', 'JUNE', 'JULY', 'AUGUST', 'SEPTEMBER', 'OCTOBER', 'NOVEMBER', 'DECEMBER'];
const DAYS = ['SUNDAY', 'MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY'];

function cronField(ranges: { start: number; end?: number; step?: number }[], lo: number, hi: number): string {
  if (ranges.length === 0) return '*';
  return ranges
    .map(({ start, end, step }) => {
      const last = end === undefined || end < start ? start : end;
      const every = step && step > 1 ? `/${step}` : '';
      if (start === lo && last >= hi) return `*${every}`;
      return `${last === start ? start : `${start}-${last}`}${every}`;
    })
    .join(',');
}

/** Temporal keeps a cron expression as a structured calendar; this writes it back as five cron fields. */
export function calendarToCron(c: CalendarSpecDescription): string {
  const named = <T extends string>(ranges: { start: T; end?: T; step?: number }[], names: string[], offset: number) =>
    ranges.map((r) => ({ start: names.indexOf(r.start) + offset, end: r.end === undefined ? undefined : names.indexOf(r.end) + offset, step: r.step }));
  return [
    cronField(c.minute, 0, 59),
    cronField(c.hour, 0, 23),
    cronField(c.dayOfMonth, 1, 31),
    cronField(named(c.month, MONTHS, 1), 1, 12),
    cronField(named(c.dayOfWeek, DAYS, 0), 0, 6),
  ].join(' ');
}

function specOf(d: ScheduleDescription): ScheduleSpec | undefined {
  const timezone = d.spec.timezone || 'UTC';
  const interval = d.spec.intervals?.[0];
  if (interval) return { kind: 'interval', everySeconds: Math.round(interval.every / 1000), offsetSeconds: Math.round((interval.offset ?? 0) / 1000), timezone };
  const calendar = d.spec.calendars?.[0];
  if (calendar) return { kind: 'cron', cron: calendarToCron(calendar), timezone };
  return undefined;
}

async function pipelineIdOf(pipeline: string): Promise<string> {
  const workspaceId = currentWorkspaceId();
  const [row] = await getDb()
    .select({ id: pipelines.id })
    .from(pipelines)
    .where(and(eq(pipelines.workspaceId, workspaceId), eq(pipelines.name, pipeline)));
  if (!row) throw notFound(`Pipeline "${pipeline}"`);
  return row.id;
}

type NoteRow = typeof scheduleNotes.$inferSelect & { pipeline: string };

async function lastFirings(scheduleIds: string[]) {
  if (scheduleIds.length === 0) return new Map<string, ScheduleView['lastRun']>();
  const rows = await getDb()
    .selectDistinctOn([triggerFirings.scheduleId], {
      scheduleId: triggerFirings.scheduleId,
      runId: triggerFirings.runId,
      firingStatus: triggerFirings.status,
      message: triggerFirings.message,
      scheduledAt: triggerFirings.scheduledAt,
      at: triggerFirings.createdAt,
      runStatus: runs.status,
    })
    .from(triggerFirings)
    .leftJoin(runs, eq(runs.id, triggerFirings.runId))
    .where(inArray(triggerFirings.scheduleId, scheduleIds))
    .orderBy(triggerFirings.scheduleId, desc(triggerFirings.createdAt));
  return new Map(
    rows.map((r) => [
      r.scheduleId!,
      {
        runId: r.runId ?? undefined,
        status: r.runStatus ?? (r.firingStatus === 'started' ? 'queued' : r.firingStatus),
        scheduledAt: r.scheduledAt ?? undefined,
        at: r.at,
        message: r.message ?? undefined,
      },
    ]),
  );
}

async function viewOf(note: NoteRow, last: ScheduleView['lastRun']): Promise<ScheduleView> {
  const base: ScheduleView = {
    id: note.scheduleId,
    pipeline: note.pipeline,
    name: note.name,
    params: {},
    nextRuns: [],
    running: 0,
    actionsTaken: 0,
    lastRun: last,
    note: note.note ?? undefined,
    createdBy: note.createdBy,
    updatedBy: note.updatedBy,
    lastChange: note.lastChange,
    createdAt: note.createdAt,
    updatedAt: note.updatedAt,
  };
  let d: ScheduleDescription;
  try {
    d = await onTemporal(`Schedule "${note.name}"`, async () => (await client()).schedule.getHandle(note.scheduleId).describe());
  } catch (err) {
    if (err instanceof ServiceError) return { ...base, problem: err.code === 'not_found' ? 'Temporal has no such schedule: delete it here' : err.message };
    throw err;
  }
  const spec = specOf(d);
  const action = d.action.type === 'startWorkflow' ? (d.action.args?.[0] as ScheduledRunInput | undefined) : undefined;
  return {
    ...base,
    spec,
    description: spec ? describeSpec(spec) : undefined,
    overlap: FROM_TEMPORAL[d.policies.overlap ?? 'SKIP'] ?? 'skip',
    catchupWindowSeconds: Math.round(d.policies.catchupWindow / 1000),
    paused: d.state.paused,
    stateNote: d.state.note || undefined,
    params: action?.params ?? {},
    nextRuns: d.state.paused ? [] : d.info.nextActionTimes.slice(0, 5),
    running: d.info.runningActions.length,
    actionsTaken: d.info.numActionsTaken,
  };
}

async function noteRows(where: { pipeline?: string; scheduleId?: string }): Promise<NoteRow[]> {
  const workspaceId = currentWorkspaceId();
  return getDb()
    .select({ n: scheduleNotes, pipeline: pipelines.name })
    .from(scheduleNotes)
    .innerJoin(pipelines, eq(pipelines.id, scheduleNotes.pipelineId))
    .where(
      and(
        eq(scheduleNotes.workspaceId, workspaceId),
        where.pipeline ? eq(pipelines.name, where.pipeline) : undefined,
        where.scheduleId ? eq(scheduleNotes.scheduleId, where.scheduleId) : undefined,
      ),
    )
    .orderBy(pipelines.name, scheduleNotes.name)
    .then((rows) => rows.map((r) => ({ ...r.n, pipeline: r.pipeline })));
}

/** Every schedule (of one pipeline, or all), each described by Temporal. */
export async function listSchedules(opts: { pipeline?: string } = {}): Promise<ScheduleView[]> {
  if (opts.pipeline) await pipelineIdOf(opts.pipeline);
  const notes = await noteRows(opts);
  const last = await lastFirings(notes.map((n) => n.scheduleId));
  return Promise.all(notes.map((n) => viewOf(n, last.get(n.scheduleId))));
}

/**
 * The Temporal id of the caller's workspace's schedule. Temporal ids are global: `default` keeps the id its
 * schedules always had, other workspaces prefix theirs with the workspace id (workflows/steps/kit/run-triggers.ts
 * finds a schedule's workspace from its note, or from that prefix).
 */
async function scheduleIdHere(pipeline: string, name: string): Promise<string> {
  const workspaceId = currentWorkspaceId();
  return workspaceId === (await defaultWorkspaceId()) ? scheduleIdOf(pipeline, name) : `${workspaceId}:${scheduleIdOf(pipeline, name)}`;
}

export async function getSchedule(pipeline: string, name: string): Promise<ScheduleView> {
  const id = await scheduleIdHere(pipeline, name);
  const [note] = await noteRows({ scheduleId: id });
  if (!note) throw notFound(`Schedule "${name}" of pipeline "${pipeline}"`);
  return viewOf(note, (await lastFirings([id])).get(id));
}

async function touch(id: string, who: string, change: string, extra: Partial<typeof scheduleNotes.$inferInsert> = {}) {
  await getDb()
    .update(scheduleNotes)
    .set({ updatedBy: who, lastChange: change, updatedAt: new Date(), ...extra })
    .where(eq(scheduleNotes.scheduleId, id));
}

export async function createSchedule(pipeline: string, raw: CreateScheduleInput, who: string): Promise<ScheduleView> {
  const input = createScheduleSchema.parse(raw);
  const pipelineId = await pipelineIdOf(pipeline);
  await checkParameterValues(pipeline, input.params);
  const workspaceId = currentWorkspaceId();
  const id = await scheduleIdHere(pipeline, input.name);
  const what = `Schedule "${input.name}" of pipeline "${pipeline}"`;
  const db = getDb();
  const inserted = await db
    .insert(scheduleNotes)
    .values({ scheduleId: id, workspaceId, pipelineId, name: input.name, note: input.note, createdBy: who, createdRole: currentActor()?.role ?? null, updatedBy: who, lastChange: 'created' })
    .onConflictDoNothing()
    .returning();
  if (inserted.length === 0) throw new ServiceError('conflict', `${what} already exists`);
  const action: ScheduledRunInput = { scheduleId: id, pipeline, params: input.params };
  try {
    const c = await client();
    await onTemporal(what, () =>
      c.schedule.create({
        scheduleId: id,
        spec: toTemporalSpec(input.spec),
        action: {
          type: 'startWorkflow',
          workflowType: 'scheduledRunWorkflow',
          // Temporal adds the scheduled time to this id for each run it starts.
          workflowId: `schedule-${id}`,
          taskQueue: taskQueues().default,
          args: [action],
        },
        policies: { overlap: TO_TEMPORAL[input.overlap], catchupWindow: input.catchupWindowSeconds * 1000 },
        state: input.paused ? { paused: true, note: `Created paused by ${who}` } : undefined,
      }),
    );
  } catch (err) {
    await db.delete(scheduleNotes).where(eq(scheduleNotes.scheduleId, id));
    throw err;
  }
  return getSchedule(pipeline, input.name);
}

async function handleOf(pipeline: string, name: string) {
  const id = await scheduleIdHere(pipeline, name);
  const [note] = await noteRows({ scheduleId: id });
  if (!note) throw notFound(`Schedule "${name}" of pipeline "${pipeline}"`);
  return { id, what: `Schedule "${name}" of pipeline "${pipeline}"`, handle: (await client()).schedule.getHandle(id) };
}

export async function updateSchedule(pipeline: string, name: string, raw: UpdateScheduleInput, who: string): Promise<ScheduleView> {
  const input = updateScheduleSchema.parse(raw);
  const { id, what, handle } = await handleOf(pipeline, name);
  if (input.params) await checkParameterValues(pipeline, input.params);
  await onTemporal(what, () =>
    handle.update((prev) => {
      const args = (prev.action.args?.[0] ?? { scheduleId: id, pipeline, params: {} }) as ScheduledRunInput;
      return {
        ...prev,
        spec: input.spec ? toTemporalSpec(input.spec) : prev.spec,
        action: { ...prev.action, args: [{ ...args, params: input.params ?? args.params }] },
        policies: {
          ...prev.policies,
          overlap: input.overlap ? TO_TEMPORAL[input.overlap] : prev.policies.overlap,
          catchupWindow: input.catchupWindowSeconds ? input.catchupWindowSeconds * 1000 : prev.policies.catchupWindow,
        },
      };
    }),
  );
  await touch(id, who, 'changed', input.note !== undefined ? { note: input.note } : {});
  return getSchedule(pipeline, name);
}

export async function setSchedulePaused(pipeline: string, name: string, paused: boolean, who: string, note?: string): Promise<ScheduleView> {
  const { id, what, handle } = await handleOf(pipeline, name);
  const text = note?.trim() || `${paused ? 'Paused' : 'Resumed'} by ${who}`;
  await onTemporal(what, () => (paused ? handle.pause(text) : handle.unpause(text)));
  await touch(id, who, paused ? 'paused' : 'resumed');
  return getSchedule(pipeline, name);
}

/** "Run now": one run at once, beside any that is running. */
export async function triggerSchedule(pipeline: string, name: string, who: string): Promise<void> {
  const { id, what, handle } = await handleOf(pipeline, name);
  await onTemporal(what, () => handle.trigger('ALLOW_ALL'));
  await touch(id, who, 'run now');
}

/**
 * Runs for every time the schedule would have fired from `from` to `to` (both included), each with its
 * own scheduled time. One after another by default; `concurrent` starts them all at once.
 */
export async function backfillSchedule(pipeline: string, name: string, raw: unknown, who: string): Promise<void> {
  const input = backfillSchema.parse(raw);
  const { id, what, handle } = await handleOf(pipeline, name);
  await onTemporal(what, () => handle.backfill({ start: input.from, end: input.to, overlap: input.concurrent ? 'ALLOW_ALL' : 'BUFFER_ALL' }));
  await touch(id, who, `backfill ${input.from.toISOString()} – ${input.to.toISOString()}`);
}

export async function deleteSchedule(pipeline: string, name: string): Promise<void> {
  const { id, what, handle } = await handleOf(pipeline, name);
  try {
    await onTemporal(what, () => handle.delete());
  } catch (err) {
    if (!(err instanceof ServiceError && err.code === 'not_found')) throw err;
  }
  await getDb().delete(scheduleNotes).where(eq(scheduleNotes.scheduleId, id));
}
