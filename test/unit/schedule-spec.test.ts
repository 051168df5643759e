import { describe, expect, it } from 'vitest';
import { calendarToCron } from '../../server/services/schedules';
import {
  backfillSchema,
  createScheduleSchema,
  cronProblem,
  cronToPreset,
  describeSpec,
  presetToCron,
  type PresetValues,
} from '../../workflows/core/schedule-spec';
import { createTriggerSchema, resolvePointer } from '../../workflows/core/trigger-spec';

const base: PresetValues = { preset: 'daily', minute: 0, time: '09:00', weekday: 1, dayOfMonth: 1, cron: '' };

describe('schedule presets', () => {
  it('write the cron each preset means and read it back as the same preset', () => {
    const cases: [PresetValues, string][] = [
      [{ ...base, preset: 'hourly', minute: 15 }, '15 * * * *'],
      [{ ...base, preset: 'daily', time: '07:45' }, '45 7 * * *'],
      [{ ...base, preset: 'weekly', time: '18:30', weekday: 5 }, '30 18 * * 5'],
      [{ ...base, preset: 'monthly', time: '06:00', dayOfMonth: 28 }, '0 6 28 * *'],
    ];
    for (const [values, cron] of cases) {
      expect(presetToCron(values)).toBe(cron);
      const back = cronToPreset(cron);
      expect(back.preset).toBe(values.preset);
      expect(presetToCron(back)).toBe(cron);
    }
    expect(cronToPreset('*/5 * * * *').preset).toBe('custom');
    expect(cronToPreset('0 9 1-7 * 1').preset).toBe('custom');
  });

  it('describes a schedule in words with its time zone', () => {
    expect(describeSpec({ kind: 'cron', cron: '45 7 * * *', timezone: 'Europe/Paris' })).toBe('At 07:45, every day (Europe/Paris)');
    expect(describeSpec({ kind: 'interval', everySeconds: 7200, offsetSeconds: 0, timezone: 'UTC' })).toBe('Every 2 hours');
    expect(describeSpec({ kind: 'interval', everySeconds: 90, offsetSeconds: 30, timezone: 'UTC' })).toBe('Every 90 seconds, 30 seconds past each interval');
  });
});

describe('schedule validation', () => {
  it('names the cron field that is wrong', () => {
    expect(cronProblem('0 9 * * *')).toBeUndefined();
    expect(cronProblem('*/15 8-18 * * 1-5')).toBeUndefined();
    expect(cronProblem('0 9 * *')).toMatch(/5 fields .* this has 4/);
    expect(cronProblem('60 9 * * *')).toMatch(/minute field "60" is outside 0–59/);
    expect(cronProblem('0 9 0 * *')).toMatch(/day of month field "0" is outside 1–31/);
    expect(cronProblem('0 9 * JAN *')).toMatch(/month field "JAN" is not a number/);
    expect(cronProblem('*/0 * * * *')).toMatch(/minute field/);
  });

  it('fills defaults and refuses unknown fields, zones and ranges', () => {
    const parsed = createScheduleSchema.parse({ name: 'nightly', spec: { kind: 'interval', everySeconds: 2 } });
    expect(parsed).toMatchObject({ overlap: 'skip', catchupWindowSeconds: 3600, paused: false, params: {}, spec: { timezone: 'UTC', offsetSeconds: 0 } });
    expect(createScheduleSchema.safeParse({ name: 'Nightly!', spec: { kind: 'interval', everySeconds: 2 } }).success).toBe(false);
    expect(createScheduleSchema.safeParse({ name: 'x', spec: { kind: 'interval', everySeconds: 0 } }).success).toBe(false);
    expect(createScheduleSchema.safeParse({ name: 'x', spec: { kind: 'cron', cron: '0 9 * * *', timezone: 'Nowhere/City' } }).success).toBe(false);
    expect(createScheduleSchema.safeParse({ name: 'x', spec: { kind: 'interval', everySeconds: 5 }, cron: '0 9 * * *' }).success).toBe(false);
    const range = backfillSchema.safeParse({ from: '2026-01-02T00:00:00Z', to: '2026-01-01T00:00:00Z' });
    expect(range.error?.issues[0]?.message).toBe('"from" must not be after "to"');
  });
});

describe("Temporal's calendar read back as cron", () => {
  const full = <T>(start: T, end: T) => [{ start, end, step: 1 }];
  it('writes single values, ranges, steps and full ranges', () => {
    expect(
      calendarToCron({
        second: [{ start: 0, end: 0, step: 1 }],
        minute: [{ start: 45, end: 45, step: 1 }],
        hour: [{ start: 7, end: 7, step: 1 }],
        dayOfMonth: full(1, 31),
        month: full('JANUARY', 'DECEMBER'),
        year: [],
        dayOfWeek: full('SUNDAY', 'SATURDAY'),
      }),
    ).toBe('45 7 * * *');
    expect(
      calendarToCron({
        second: [{ start: 0, end: 0, step: 1 }],
        minute: [{ start: 0, end: 59, step: 15 }],
        hour: [{ start: 8, end: 18, step: 1 }],
        dayOfMonth: full(1, 31),
        month: [{ start: 'MARCH', end: 'MARCH', step: 1 }],
        year: [],
        dayOfWeek: [
          { start: 'MONDAY', end: 'WEDNESDAY', step: 1 },
          { start: 'FRIDAY', end: 'FRIDAY', step: 1 },
        ],
      }),
    ).toBe('*/15 8-18 * 3 1-3,5');
  });
});

describe('webhook payload mapping', () => {
  it('resolves JSON pointers, escapes included, and says when nothing is there', () => {
    const doc = { data: { threshold: 0.7, 'a/b': 1, 'm~n': 2, list: [10, 20] } };
    expect(resolvePointer(doc, '/data/threshold')).toEqual({ found: true, value: 0.7 });
    expect(resolvePointer(doc, '/data/a~1b')).toEqual({ found: true, value: 1 });
    expect(resolvePointer(doc, '/data/m~0n')).toEqual({ found: true, value: 2 });
    expect(resolvePointer(doc, '/data/list/1')).toEqual({ found: true, value: 20 });
    expect(resolvePointer(doc, '')).toEqual({ found: true, value: doc });
    expect(resolvePointer(doc, '/data/list/2')).toEqual({ found: false });
    expect(resolvePointer(doc, '/data/toString')).toEqual({ found: false });
    expect(resolvePointer(doc, '/missing')).toEqual({ found: false });
  });

  it('accepts only pointers and parameter names in a mapping', () => {
    expect(createTriggerSchema.safeParse({ kind: 'webhook', paramPointers: { threshold: '/data/threshold' } }).success).toBe(true);
    expect(createTriggerSchema.safeParse({ kind: 'webhook', paramPointers: { threshold: 'data.threshold' } }).success).toBe(false);
    expect(createTriggerSchema.safeParse({ kind: 'webhook', paramPointers: { 'bad name': '/x' } }).success).toBe(false);
    expect(createTriggerSchema.safeParse({ kind: 'dataset', dataset: 'penguins' }).data).toMatchObject({ debounceSeconds: 60 });
    expect(createTriggerSchema.safeParse({ kind: 'pipeline', afterPipeline: 'Bad Name' }).success).toBe(false);
  });
});
