import { describe, expect, it } from 'vitest';
import {
  compareDurations,
  compareMetrics,
  compareParams,
  decodeRunCursor,
  encodeRunCursor,
  metricNames,
  type ComparedStep,
} from '../../server/services/run-comparison';
import { compareIdsFrom, runListQueryFrom } from '../../server/rest/run-list-query';
import { runListQuery } from '../../server/services/run-list';

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));

const runA: ComparedStep[] = [
  { nodeId: 'split', type: 'prepare.split', params: { testFraction: 0.2, seed: 7 }, startedAt: at(0), finishedAt: at(1) },
  { nodeId: 'train', type: 'train.random_forest', params: { target: 'Species', trees: 100 }, startedAt: at(1), finishedAt: at(4), summary: { modelVersion: 3, trainingSeconds: 2.5, features: 6 } },
  { nodeId: 'eval', type: 'validate.evaluate', params: {}, startedAt: at(4), finishedAt: at(5), summary: { accuracy: 0.95, f1_macro: 0.94, modelVersion: 3, model: 'x' } },
];
const runB: ComparedStep[] = [
  { nodeId: 'split', type: 'prepare.split', params: { testFraction: 0.2, seed: 7 }, startedAt: at(0), finishedAt: at(2) },
  { nodeId: 'train', type: 'train.random_forest', params: { target: 'Species', trees: 300 }, startedAt: at(2) },
  { nodeId: 'gate', type: 'validate.gate', params: { rules: [{ value: 0.9, metric: 'accuracy', op: '>=' }] } },
];

describe('run comparison', () => {
  it('marks the parameters that differ between runs and lists steps only some runs have', () => {
    const rows = compareParams([runA, runB]);
    const row = (node: string, param: string) => rows.find((r) => r.nodeId === node && r.param === param)!;
    expect(row('split', 'seed')).toMatchObject({ values: ['7', '7'], differs: false });
    expect(row('train', 'trees')).toMatchObject({ values: ['100', '300'], differs: true });
    expect(row('train', 'target')).toMatchObject({ values: ['Species', 'Species'], differs: false });
    // Objects are shown as JSON with sorted keys; a step a run lacks is null there.
    expect(row('gate', 'rules')).toMatchObject({ values: [null, '[{"metric":"accuracy","op":">=","value":0.9}]'], differs: true });
  });

  it('takes metrics from evaluate summaries and leaves out versions, counts and timings', () => {
    expect(metricNames('validate.evaluate', { accuracy: 0.9, rmse: 1.2, modelVersion: 2, model: 'm', rowsScored: 30 })).toEqual(['accuracy', 'rmse']);
    expect(metricNames('train.random_forest', { trainingSeconds: 3, features: 4, modelVersion: 1 })).toEqual([]);
    expect(metricNames('train.tune', { bestScore: 0.8, folds: 5 })).toEqual(['bestScore']);
    expect(metricNames('prepare.split', { accuracy: 1 })).toEqual([]);
    expect(compareMetrics([runA, runB])).toEqual([
      { nodeId: 'eval', name: 'accuracy', values: [0.95, null] },
      { nodeId: 'eval', name: 'f1_macro', values: [0.94, null] },
    ]);
  });

  it('gives step durations per run, null for steps not finished', () => {
    expect(compareDurations([runA, runB])).toEqual([
      { nodeId: 'split', name: 'duration (ms)', values: [1000, 2000] },
      { nodeId: 'train', name: 'duration (ms)', values: [3000, null] },
      { nodeId: 'eval', name: 'duration (ms)', values: [1000, null] },
      { nodeId: 'gate', name: 'duration (ms)', values: [null, null] },
    ]);
  });
});

describe('runs list query', () => {
  it('round-trips a keyset cursor and refuses anything else', () => {
    const id = '0b6c1f9e-3c1a-4d5e-9f00-1a2b3c4d5e6f';
    const cursor = encodeRunCursor('2026-11-27 05:57:00.123456+00', id);
    expect(decodeRunCursor(cursor)).toEqual({ createdAt: '2026-11-27 05:57:00.123456+00', id });
    expect(decodeRunCursor('not-a-cursor')).toBeUndefined();
    expect(decodeRunCursor(Buffer.from(JSON.stringify(['yesterday', id])).toString('base64url'))).toBeUndefined();
    expect(decodeRunCursor(Buffer.from(JSON.stringify(['2026-11-27 05:57:00+00', 'x'])).toString('base64url'))).toBeUndefined();
  });

  it('reads filters from a query string and refuses unknown or malformed ones', () => {
    const q = runListQueryFrom(new URLSearchParams('pipeline=penguins&status=failed,succeeded&from=2026-01-01&limit=10'));
    expect(runListQuery.parse(q)).toMatchObject({ pipeline: 'penguins', status: ['failed', 'succeeded'], from: '2026-01-01', limit: 10 });
    expect(() => runListQueryFrom(new URLSearchParams('colour=red'))).toThrow(/Unknown query parameter "colour"/);
    expect(() => runListQueryFrom(new URLSearchParams('limit=ten'))).toThrow(/limit: a whole number/);
    expect(() => runListQueryFrom(new URLSearchParams('pipeline=a&pipeline=b'))).toThrow(/more than once/);
    expect(runListQuery.safeParse(runListQueryFrom(new URLSearchParams('status=lost'))).success).toBe(false);
    expect(runListQuery.safeParse(runListQueryFrom(new URLSearchParams('from=last week'))).success).toBe(false);
    expect(compareIdsFrom(new URLSearchParams('ids=a,b&ids=c'))).toEqual({ ids: ['a', 'b', 'c'] });
  });
});
