import { saveJsonArtifact } from '../../../server/infra/artifact-store';
import { labelledPredictions, slotModel } from '../../../server/infra/endpoint-traffic';
import { ServiceError } from '../../../server/infra/errors';
import type { BarsVisual, TableVisual } from '../../core/visual';
import { implement } from '../kit/implement';
import { classificationMetrics, numericMetrics, regressionMetrics } from '../kit/metrics';
import { StepInputError } from '../kit/step-error';
import definition from './definition';

/** The metrics compared with validation, in the order shown; the rest of the computed numbers go out as they are. */
const HEADLINE = {
  classification: ['accuracy', 'f1_macro', 'precision_macro', 'recall_macro'],
  regression: ['rmse', 'mae', 'r2', 'mape'],
} as const;

const round = (v: number) => Number(v.toPrecision(6));

export default implement(definition, async ({ params, ctx }) => {
  const model = await slotModel(params.endpoint, params.slot).catch((err: unknown) => {
    if (err instanceof ServiceError && err.code === 'not_found') throw new StepInputError(err.message);
    throw err;
  });
  if (model.task === 'clustering') throw new StepInputError(`${model.model} is a clustering model: there are no true labels to compare with`);
  const windowStart = Date.now() - params.windowHours * 3600_000;
  const since = new Date(params.since ? Math.max(windowStart, Date.parse(params.since)) : windowStart);
  const pairs = await labelledPredictions(model, params.slot, since);
  ctx.progress(`${pairs.length} labelled predictions of ${model.model} v${model.version} since ${since.toISOString()}`);
  const summary = { endpoint: params.endpoint, slot: params.slot, model: `${model.model} v${model.version}`, since: since.toISOString(), labelledRows: pairs.length };
  if (pairs.length < params.minLabels) {
    return { outputs: {}, summary: { ...summary, enough: false, note: `${pairs.length} labelled rows, fewer than the minimum of ${params.minLabels}: nothing measured` } };
  }

  let live: Record<string, number>;
  if (model.task === 'regression') {
    const numeric = pairs.map((p) => ({ t: Number(p.label), p: Number(p.prediction) })).filter((x) => Number.isFinite(x.t) && Number.isFinite(x.p));
    if (numeric.length < params.minLabels) throw new StepInputError(`Only ${numeric.length} labels are numbers; a regression model needs numeric labels`);
    live = numericMetrics(regressionMetrics(numeric.map((x) => x.t), numeric.map((x) => x.p)));
  } else {
    live = numericMetrics(classificationMetrics(pairs.map((p) => String(p.label)), pairs.map((p) => String(p.prediction)), model.meta.classes ?? []));
  }
  const validation = model.metrics ?? {};
  const compared = HEADLINE[model.task].filter((m) => typeof live[m] === 'number');
  const metrics: Record<string, number> = { ...live, labelled_rows: pairs.length };
  for (const m of compared) {
    const v = validation[m];
    if (typeof v === 'number') {
      metrics[`${m}_validation`] = v;
      metrics[`${m}_change`] = live[m]! - v;
    }
  }
  const table: TableVisual = {
    $visual: 'table',
    title: `Live quality on ${pairs.length} labelled rows against validation`,
    columns: ['Metric', 'Validation', 'Live', 'Change'],
    rows: compared.map((m) => [m, typeof validation[m] === 'number' ? round(validation[m] as number) : null, round(live[m]!), typeof validation[m] === 'number' ? round(live[m]! - (validation[m] as number)) : null]),
  };
  const bounded = compared.filter((m) => m !== 'rmse' && m !== 'mae' && typeof validation[m] === 'number');
  const bars: BarsVisual | undefined = bounded.length
    ? { $visual: 'bars', title: 'Validation against live', series: ['Validation', 'Live'], items: bounded.map((m) => ({ label: m, value: validation[m] as number, values: [validation[m] as number, live[m]!] })) }
    : undefined;
  const stored = await saveJsonArtifact(metrics, 'metrics', ctx.scratchDir);
  return {
    outputs: { metrics: { kind: 'metrics', hash: stored.hash, meta: metrics } },
    summary: { ...summary, enough: true, quality: table, ...(bars ? { comparison: bars } : {}) },
  };
});
