import { setTimeout as sleep } from 'node:timers/promises';
import { firingOfRun } from '../../../server/infra/run-firing';
import { runStatusOf, startTriggeredRun } from '../../../server/infra/triggered-run';
import { catalog } from '../catalog';
import { implement } from '../kit/implement';
import { StepInputError } from '../kit/step-error';
import definition from './definition';

const POLL_MS = 1000;

export default implement(definition, async ({ params, ctx }) => {
  // The chain this run belongs to (a run started by a trigger or by another pipeline's step), plus this
  // pipeline: the started run may not come back to any of them.
  const own = await firingOfRun(ctx.runId);
  const chain = [...((own?.chain as string[] | undefined) ?? []), ctx.pipeline];
  const started = await startTriggeredRun(catalog, {
    pipeline: params.pipeline,
    params: params.params,
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
  const summary = { pipeline: params.pipeline, runId: started.runId, ...(Object.keys(params.params).length > 0 ? { params: params.params } : {}) };
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
