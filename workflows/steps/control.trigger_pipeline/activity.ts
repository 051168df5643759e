import { setTimeout as sleep } from 'node:timers/promises';
import { ServiceError } from '../../../server/infra/errors';
import { getPipelineVersionRow } from '../../../server/infra/pipeline-store';
import { firingOfRun } from '../../../server/infra/run-firing';
import { parameterValueFromText } from '../../core/parameters';
import { runStatusOf, startTriggeredRun } from '../../../server/infra/triggered-run';
import { catalog } from '../catalog';
import { implement } from '../kit/implement';
import { StepInputError } from '../kit/step-error';
import definition from './definition';

const POLL_MS = 1000;

/**
 * The values by name, text turned into each parameter's declared type (as the CLI's `--param k=v`): a form
 * field gives text. Names the pipeline does not declare are passed on for the run's own check to refuse.
 */
async function parameterValues(pipeline: string, given: { name: string; value: string | number | boolean }[]) {
  const declared = await getPipelineVersionRow(pipeline)
    .then((row) => row.document.parameters ?? [])
    .catch((err: unknown) => {
      // A pipeline that does not exist is reported by the start itself.
      if (err instanceof ServiceError && err.code === 'not_found') return [];
      throw err;
    });
  const typeOf = new Map(declared.map((d) => [d.name, d.type]));
  return Object.fromEntries(
    given.map(({ name, value }) => {
      const type = typeOf.get(name);
      return [name, typeof value === 'string' && type ? parameterValueFromText(type, value) : value];
    }),
  );
}

export default implement(definition, async ({ params, ctx }) => {
  const values = await parameterValues(params.pipeline, params.params);
  // The chain this run belongs to (a run started by a trigger or by another pipeline's step), plus this
  // pipeline: the started run may not come back to any of them.
  const own = await firingOfRun(ctx.runId);
  const chain = [...((own?.chain as string[] | undefined) ?? []), ctx.pipeline];
  const started = await startTriggeredRun(catalog, {
    pipeline: params.pipeline,
    params: values,
    firing: {
      // One run per run and node: a retried step finds the run its first attempt started.
      key: `step:${ctx.runId}:${ctx.nodeId}`,
      kind: 'step',
      payload: { fromRun: ctx.runId, fromPipeline: ctx.pipeline, fromStep: ctx.nodeId },
      originRunId: own?.originRunId ?? ctx.runId,
      chain,
    },
  });
  if (started.status !== 'started') throw new StepInputError(`Pipeline "${params.pipeline}" was not started: ${started.message}`);
  ctx.progress(`started run ${started.runId} of ${params.pipeline}`);
  const summary = { pipeline: params.pipeline, runId: started.runId, ...(params.params.length > 0 ? { params: values } : {}) };
  if (!params.wait) return { outputs: { started: { kind: 'signal' } }, summary };

  for (;;) {
    const state = await runStatusOf(started.runId);
    if (state.final) {
      const done = { ...summary, runStatus: state.status };
      if (state.status === 'succeeded') return { outputs: { started: { kind: 'signal' } }, summary: done };
      throw new StepInputError(`Run ${started.runId} of "${params.pipeline}" ended ${state.status}`);
    }
    ctx.progress(`run ${started.runId} of ${params.pipeline} is ${state.status}`);
    await sleep(POLL_MS, undefined, { signal: ctx.signal });
  }
});
