import { implement } from '../kit/implement';
import { StepInputError } from '../kit/step-error';
import definition from './definition';

const compare = {
  '>=': (a: number, b: number) => a >= b,
  '>': (a: number, b: number) => a > b,
  '<=': (a: number, b: number) => a <= b,
  '<': (a: number, b: number) => a < b,
  '==': (a: number, b: number) => a === b,
  '!=': (a: number, b: number) => a !== b,
} as const;

// A gate that fails is a decision: the step ends 'failed' without throwing and emits no signal.
export default implement(definition, async ({ params, inputs, ctx }) => {
  const metrics = (inputs.metrics.meta ?? {}) as Record<string, unknown>;
  const numeric = Object.entries(metrics).filter(([, v]) => typeof v === 'number').map(([k]) => k);
  const rules = params.rules.map((rule) => {
    const actual = metrics[rule.metric];
    if (typeof actual !== 'number') {
      throw new StepInputError(`Metric "${rule.metric}" is not in the metrics (available: ${numeric.join(', ')})`);
    }
    return { ...rule, actual, passed: compare[rule.op](actual, rule.value) };
  });
  const passed = rules.every((r) => r.passed);
  for (const r of rules) ctx.log(r.passed ? 'info' : 'warn', `${r.metric} = ${r.actual} ${r.passed ? 'is' : 'is not'} ${r.op} ${r.value}: ${r.passed ? 'passed' : 'failed'}`);
  ctx.log(passed ? 'info' : 'warn', passed ? 'Gate passed: the pipeline continues' : 'Gate blocked: steps after it are skipped');
  const failedRules = rules.filter((r) => !r.passed).map((r) => `${r.metric} ${r.actual.toFixed(4)} is not ${r.op} ${r.value}`);
  return {
    outcome: passed ? 'succeeded' : 'failed',
    outputs: passed ? { pass: { kind: 'signal' } } : {},
    summary: { passed, rules },
    message: passed ? undefined : `Gate blocked: ${failedRules.join('; ')}`,
  };
});
