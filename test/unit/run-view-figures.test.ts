import { describe, expect, it } from 'vitest';
import { runNodeCaption } from '../../components/runs/run-graph';
import { metricsVisual, runScoresVisual } from '../../components/runs/step-drawer';
import { ganttBars } from '../../components/runs/step-gantt';

const t0 = Date.parse('2026-01-01T10:00:00Z');
const at = (s: number) => new Date(t0 + s * 1000).toISOString();

describe('the run page’s figures', () => {
  it('draws a Gantt bar per started step, from the first start, a running one reaching now', () => {
    const bars = ganttBars(
      [
        { nodeId: 'load', status: 'succeeded', startedAt: at(0), finishedAt: at(1.5) },
        { nodeId: 'train', status: 'running', startedAt: at(2) },
        { nodeId: 'ship', status: 'skipped' },
      ],
      t0 + 5000,
    );
    expect(bars.map((b) => [b.nodeId, b.offset, b.seconds, b.label])).toEqual([
      ['load', 0, 1.5, '1.5 s'],
      ['train', 2, 3, '3.0 s'],
    ]);
    expect(ganttBars([{ nodeId: 'x', status: 'pending' }])).toEqual([]);
  });

  it('captions a node with its duration, its attempt when retried, and its result', () => {
    expect(runNodeCaption({ nodeId: 'train', status: 'succeeded', attempts: 2, startedAt: at(0), finishedAt: at(2.1), summary: { accuracy: 0.97 } })).toBe(
      '2.1 s · attempt 2 · accuracy 0.97',
    );
    expect(runNodeCaption({ nodeId: 'gate', status: 'failed', attempts: 1, startedAt: at(0), finishedAt: at(0.2), error: 'Metric "x" is missing\nmore' })).toBe(
      '200 ms · Metric "x" is missing',
    );
    expect(runNodeCaption({ nodeId: 'ship', status: 'pending' })).toBeUndefined();
  });

  it('draws scores as bars only where there are several: of one step, and of several steps side by side', () => {
    expect(metricsVisual({ accuracy: 0.9 })).toBeUndefined();
    expect(metricsVisual({ accuracy: 0.9, f1_macro: 0.8, rmse: 3 })?.items.map((i) => i.label)).toEqual(['Accuracy', 'F1 (macro)']);
    expect(runScoresVisual([{ nodeId: 'eval', summary: { accuracy: 0.9 } }, { nodeId: 'train', summary: {} }])).toBeUndefined();
    const both = runScoresVisual([
      { nodeId: 'evalA', summary: { accuracy: 0.9, f1_macro: 0.8 } },
      { nodeId: 'split' },
      { nodeId: 'evalB', summary: { accuracy: 0.95 } },
    ]);
    expect(both?.series).toEqual(['evalA', 'evalB']);
    expect(both?.items.map((i) => [i.label, i.values])).toEqual([['Accuracy', [0.9, 0.95]]]);
    expect(runScoresVisual([{ nodeId: 'a', summary: { r2: 0.5 } }, { nodeId: 'b', summary: { accuracy: 0.9 } }])).toBeUndefined();
  });
});
