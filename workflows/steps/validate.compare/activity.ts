import { saveJsonArtifact } from '../../../server/infra/artifact-store';
import type { ArtifactRef } from '../../core/plan';
import type { BarsVisual, LinesVisual, TableVisual } from '../../core/visual';
import { evaluate, modelVersionOf, scoreTable, type Evaluation } from '../kit/evaluation';
import { implement } from '../kit/implement';
import { thin, type Metrics } from '../kit/metrics';
import { StepInputError } from '../kit/step-error';
import definition, { DEFAULT_METRIC, MODEL_PORTS, RANKING_METRICS, type RankingMetric } from './definition';

export interface Candidate {
  port: string;
  name: string;
  metrics: Metrics;
}

/**
 * The best candidate by the metric (first wins a tie), or an error a person can act on when the
 * models solve different tasks or the metric does not apply.
 */
export function pickBest(candidates: Candidate[], requested: RankingMetric | 'auto'): { best: Candidate; metric: RankingMetric; values: number[] } {
  const tasks = [...new Set(candidates.map((c) => c.metrics.task))];
  if (tasks.length > 1) {
    throw new StepInputError(`The models solve different tasks (${candidates.map((c) => `${c.name}: ${c.metrics.task}`).join(', ')}); compare models of one task`);
  }
  const task = tasks[0]!;
  const metric = requested === 'auto' ? DEFAULT_METRIC[task] : requested;
  if (RANKING_METRICS[metric].task !== task) throw new StepInputError(`"${metric}" is a ${RANKING_METRICS[metric].task} metric; these models do ${task}`);
  const values = candidates.map((c) => {
    const v = (c.metrics as unknown as Record<string, unknown>)[metric];
    if (typeof v !== 'number' || Number.isNaN(v)) {
      throw new StepInputError(`${c.name} has no ${metric} (it needs class probabilities, which this model does not give); pick another metric`);
    }
    return v;
  });
  const higher = RANKING_METRICS[metric].better === 'higher';
  let bestIndex = 0;
  values.forEach((v, i) => {
    if (higher ? v > values[bestIndex]! : v < values[bestIndex]!) bestIndex = i;
  });
  return { best: candidates[bestIndex]!, metric, values };
}

const round = (v: number) => Math.round(v * 1e4) / 1e4;

/** The side-by-side table, the chart of the ranking metric and, for binary classifiers, their ROC curves together. */
export function comparisonVisuals(candidates: (Candidate & { visuals: Evaluation['visuals'] })[], metric: RankingMetric, values: number[], best: Candidate) {
  const names = Object.keys(RANKING_METRICS).filter((k) =>
    candidates.every((c) => typeof (c.metrics as unknown as Record<string, unknown>)[k] === 'number'),
  );
  const table: TableVisual = {
    $visual: 'table',
    title: 'Models side by side',
    columns: ['Model', ...names.map((k) => RANKING_METRICS[k as RankingMetric].label), 'Best'],
    rows: candidates.map((c) => [
      c.name,
      ...names.map((k) => round((c.metrics as unknown as Record<string, number>)[k]!)),
      c === best ? `best by ${RANKING_METRICS[metric].label}` : '',
    ]),
  };
  const chart: BarsVisual = {
    $visual: 'bars',
    title: `${RANKING_METRICS[metric].label} (${RANKING_METRICS[metric].better} is better)`,
    items: candidates.map((c, i) => ({ label: c.name, value: round(values[i]!) })),
  };
  const rocs = candidates.map((c) => c.visuals.roc as LinesVisual | undefined);
  const roc: LinesVisual | undefined = rocs.every((r) => r && r.series.length === 1)
    ? {
        $visual: 'lines',
        title: `ROC curves (positive class ${rocs[0]!.series[0]!.name})`,
        x: 'False positive rate',
        y: 'True positive rate',
        series: candidates.map((c, i) => ({
          name: c.name,
          points: thin(rocs[i]!.series[0]!.points, Math.floor(500 / candidates.length)),
        })),
      }
    : undefined;
  return { comparison: table, ranking: chart, ...(roc ? { roc } : {}) };
}

export default implement(definition, async ({ params, inputs, ctx }) => {
  const connected = MODEL_PORTS.map((port) => ({ port, ref: (inputs as Record<string, ArtifactRef | undefined>)[port] })).filter(
    (m): m is { port: (typeof MODEL_PORTS)[number]; ref: ArtifactRef } => m.ref !== undefined,
  );
  const candidates: (Candidate & { visuals: Evaluation['visuals']; ref: ArtifactRef })[] = [];
  for (const { port, ref } of connected) {
    const { version, meta } = await modelVersionOf(ref);
    ctx.progress(`evaluating ${version.model} v${version.version}`);
    const { metrics, visuals } = evaluate(await scoreTable(ref, inputs.table, ctx, meta));
    candidates.push({ port, name: `${version.model} v${version.version}`, metrics, visuals, ref });
  }
  const { best, metric, values } = pickBest(candidates, params.metric);
  const winner = candidates.find((c) => c === best)!;
  const stored = await saveJsonArtifact(best.metrics, 'metrics', ctx.scratchDir);
  return {
    outputs: {
      best: winner.ref,
      metrics: { kind: 'metrics', hash: stored.hash, meta: best.metrics as unknown as Record<string, unknown> },
    },
    summary: {
      best: best.name,
      rankedBy: metric,
      models: candidates.length,
      ...comparisonVisuals(candidates, metric, values, best),
    },
  };
});
