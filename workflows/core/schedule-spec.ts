import cronstrue from 'cronstrue';
import { z } from 'zod';

// What a schedule is, as the form, the REST API and the service speak of it. Temporal holds the
// schedule itself; this is the vocabulary both sides agree on (isomorphic: the form uses it too).

export const SCHEDULE_NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;

export const OVERLAP_POLICIES = ['skip', 'buffer_one', 'cancel_previous', 'allow_all'] as const;
export type OverlapPolicy = (typeof OVERLAP_POLICIES)[number];
export const OVERLAP_LABELS: Record<OverlapPolicy, string> = {
  skip: 'Skip the new run while one is running',
  buffer_one: 'Run once more after the running one',
  cancel_previous: 'Cancel the running one and start the new one',
  allow_all: 'Run them side by side',
};

/** True when the runtime knows the IANA time zone (Temporal loads the same tz database). */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const CRON_FIELD = /^(\*|\d+(-\d+)?)(\/\d+)?(,(\*|\d+(-\d+)?)(\/\d+)?)*$/;
const CRON_BOUNDS: [number, number][] = [
  [0, 59],
  [0, 23],
  [1, 31],
  [1, 12],
  [0, 7],
];
const CRON_NAMES = ['minute', 'hour', 'day of month', 'month', 'day of week'];

/** Checks a five-field cron expression (numbers, ranges, steps and lists); the reason when it is not one. */
export function cronProblem(cron: string): string | undefined {
  const fields = cron.trim().split(/\s+/);
  if (fields.length !== 5) return `A cron expression has 5 fields (minute hour day-of-month month day-of-week); this has ${fields.length}`;
  for (const [i, field] of fields.entries()) {
    if (!CRON_FIELD.test(field)) return `The ${CRON_NAMES[i]} field "${field}" is not a number, range, step or list`;
    const [lo, hi] = CRON_BOUNDS[i]!;
    for (const n of field.match(/\d+/g) ?? []) {
      const value = Number(n);
      const isStep = field.includes(`/${n}`);
      if (isStep ? value < 1 : value < lo || value > hi) return `The ${CRON_NAMES[i]} field "${field}" is outside ${lo}–${hi}`;
    }
  }
  return undefined;
}

const timezone = z
  .string()
  .min(1)
  .max(64)
  .refine(isTimeZone, { message: 'Not a known IANA time zone (e.g. "UTC", "Europe/Paris")' })
  .default('UTC');

export const scheduleSpecSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('cron'),
    cron: z
      .string()
      .max(200)
      .superRefine((cron, ctx) => {
        const problem = cronProblem(cron);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      }),
    timezone,
  }),
  z.strictObject({
    kind: z.literal('interval'),
    /** Temporal's smallest interval is one second. */
    everySeconds: z.number().int().min(1).max(366 * 86400),
    offsetSeconds: z.number().int().min(0).max(366 * 86400).default(0),
    timezone,
  }),
]);
export type ScheduleSpecInput = z.input<typeof scheduleSpecSchema>;
export type ScheduleSpec = z.output<typeof scheduleSpecSchema>;

// The form's presets, each a cron expression; a cron that matches one opens as that preset again.
export const PRESETS = ['hourly', 'daily', 'weekly', 'monthly', 'custom'] as const;
export type Preset = (typeof PRESETS)[number];
export const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;

export interface PresetValues {
  preset: Preset;
  /** hourly: the minute past each hour. */
  minute: number;
  /** daily, weekly, monthly: "HH:MM". */
  time: string;
  /** weekly: 0 = Sunday. */
  weekday: number;
  /** monthly: 1–28, so every month has it. */
  dayOfMonth: number;
  /** custom */
  cron: string;
}

export function presetToCron(v: PresetValues): string {
  const [h, m] = v.time.split(':').map((s) => Number(s));
  const hm = `${m ?? 0} ${h ?? 0}`;
  switch (v.preset) {
    case 'hourly':
      return `${v.minute} * * * *`;
    case 'daily':
      return `${hm} * * *`;
    case 'weekly':
      return `${hm} * * ${v.weekday}`;
    case 'monthly':
      return `${hm} ${v.dayOfMonth} * *`;
    case 'custom':
      return v.cron.trim();
  }
}

export function cronToPreset(cron: string): PresetValues {
  const base: PresetValues = { preset: 'custom', minute: 0, time: '09:00', weekday: 1, dayOfMonth: 1, cron };
  const f = cron.trim().split(/\s+/);
  const num = (s: string | undefined) => (s !== undefined && /^\d+$/.test(s) ? Number(s) : undefined);
  if (f.length !== 5) return base;
  const [mi, ho, dom, mo, dow] = [num(f[0]), num(f[1]), num(f[2]), f[3], num(f[4])];
  if (mi === undefined || mo !== '*') return base;
  if (f[1] === '*' && f[2] === '*' && f[4] === '*') return { ...base, preset: 'hourly', minute: mi };
  if (ho === undefined) return base;
  const time = `${String(ho).padStart(2, '0')}:${String(mi).padStart(2, '0')}`;
  if (f[2] === '*' && f[4] === '*') return { ...base, preset: 'daily', time };
  if (f[2] === '*' && dow !== undefined && dow <= 6) return { ...base, preset: 'weekly', time, weekday: dow };
  if (dom !== undefined && dom <= 28 && f[4] === '*') return { ...base, preset: 'monthly', time, dayOfMonth: dom };
  return base;
}

/** The schedule id Temporal knows a pipeline's schedule by. */
export const scheduleIdOf = (pipeline: string, name: string) => `${pipeline}:${name}`;

/** What a schedule's action starts: the small workflow that records the run and waits for it. */
export interface ScheduledRunInput {
  scheduleId: string;
  pipeline: string;
  params: Record<string, unknown>;
}

/** The per-trigger debounce workflow's input (started with signalWithStart by each new dataset version). */
export interface DatasetTriggerInput {
  triggerId: string;
  debounceSeconds: number;
  /** Versions that arrived before a continue-as-new. */
  pending?: DatasetVersionEvent[];
}

export interface DatasetVersionEvent {
  dataset: string;
  version: number;
}

export const datasetTriggerWorkflowIdOf = (triggerId: string) => `trigger-${triggerId}`;

const params = z.record(z.string(), z.unknown()).default({}).describe('Values for the pipeline\'s parameters');

/** A new schedule: its name (unique per pipeline), when it fires and what happens when runs overlap. */
export const createScheduleSchema = z.strictObject({
  name: z.string().regex(SCHEDULE_NAME, 'A schedule name is lowercase letters, digits, "-" and "_" (up to 63)'),
  spec: scheduleSpecSchema,
  overlap: z.enum(OVERLAP_POLICIES).default('skip'),
  /** After an outage, missed times younger than this still run (Temporal's minimum is 10 s). */
  catchupWindowSeconds: z.number().int().min(10).max(366 * 86400).default(3600),
  paused: z.boolean().default(false),
  note: z.string().max(1000).optional(),
  params,
});
export type CreateScheduleInput = z.input<typeof createScheduleSchema>;

/** A change: only the fields given change (no defaults here, unlike creation). */
export const updateScheduleSchema = z.strictObject({
  spec: scheduleSpecSchema.optional(),
  overlap: z.enum(OVERLAP_POLICIES).optional(),
  catchupWindowSeconds: z.number().int().min(10).max(366 * 86400).optional(),
  note: z.string().max(1000).optional(),
  params: z.record(z.string(), z.unknown()).optional(),
});
export type UpdateScheduleInput = z.input<typeof updateScheduleSchema>;

export const backfillSchema = z
  .strictObject({
    from: z.coerce.date(),
    to: z.coerce.date(),
    /** All at once instead of one after another. */
    concurrent: z.boolean().default(false),
  })
  .refine((b) => b.from.getTime() <= b.to.getTime(), { message: '"from" must not be after "to"', path: ['to'] });

function plural(n: number, unit: string) {
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

/** A duration in the largest whole unit: "90 seconds", "2 hours", "1 day". */
export function formatSeconds(total: number): string {
  for (const [unit, size] of [
    ['day', 86400],
    ['hour', 3600],
    ['minute', 60],
  ] as const) {
    if (total >= size && total % size === 0) return plural(total / size, unit);
  }
  return plural(total, 'second');
}

/** The schedule in words ("At 09:00, every day (UTC)"), the same in the form, the list and the REST answers. */
export function describeSpec(spec: ScheduleSpec): string {
  if (spec.kind === 'interval') {
    const offset = spec.offsetSeconds ? `, ${formatSeconds(spec.offsetSeconds)} past each interval` : '';
    return `Every ${formatSeconds(spec.everySeconds)}${offset}`;
  }
  try {
    return `${cronstrue.toString(spec.cron, { use24HourTimeFormat: true, verbose: true })} (${spec.timezone})`;
  } catch {
    return spec.cron;
  }
}
