import { notify } from '../../../server/infra/notifications';
import { implement } from '../kit/implement';
import { StepInputError } from '../kit/step-error';
import definition, { ALERT_OPS } from './definition';

const holds: Record<(typeof ALERT_OPS)[number], (a: number, b: number) => boolean> = {
  '>=': (a, b) => a >= b,
  '>': (a, b) => a > b,
  '<=': (a, b) => a <= b,
  '<': (a, b) => a < b,
  '==': (a, b) => a === b,
  '!=': (a, b) => a !== b,
};

const shown = (v: number) => (Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(4))));

export default implement(definition, async ({ params, inputs, ctx }) => {
  const metrics = (inputs.metrics.meta ?? {}) as Record<string, unknown>;
  const numeric = Object.keys(metrics).filter((k) => typeof metrics[k] === 'number');
  const rules = params.rules.map((rule) => {
    const actual = metrics[rule.metric];
    if (typeof actual !== 'number') {
      throw new StepInputError(`Metric "${rule.metric}" is not in the metrics (they have: ${numeric.join(', ') || 'no numbers'})`);
    }
    return { ...rule, actual, holds: holds[rule.op](actual, rule.value) };
  });
  const raised = params.match === 'all' ? rules.every((r) => r.holds) : rules.some((r) => r.holds);
  const reasons = rules.filter((r) => r.holds).map((r) => `${r.metric} = ${shown(r.actual)} (${r.op} ${shown(r.value)})`);
  const detail = raised ? reasons.join('; ') : '';
  // Recorded once per run and step however often the step is retried (the notification's dedupe key).
  const notified = raised && params.notify ? ((await notify({ event: 'monitor.alert', runId: ctx.runId, nodeId: ctx.nodeId, detail, title: params.title })) ?? 'already') : undefined;
  ctx.progress(raised ? `alert raised: ${detail}` : 'no alert');
  return {
    outputs: raised ? { raised: { kind: 'signal' } } : { clear: { kind: 'signal' } },
    summary: {
      raised,
      ...(raised ? { reasons: detail, notified: notified !== undefined } : {}),
      rules: {
        $visual: 'table',
        title: raised ? 'Alert raised' : 'No alert',
        columns: ['Metric', 'Rule', 'Value', 'Holds'],
        rows: rules.map((r) => [r.metric, `${r.op} ${shown(r.value)}`, Number(r.actual.toPrecision(6)), r.holds]),
      },
    },
  };
});
