import { z } from 'zod';
import { previewUpToInput, previewRunOutput, runOutputPreviewQuery, runOutputRef, runOutputStats, runTableOutputs, stepOutputsFromLastRun, stepOutputsQuery } from '../services/run-outputs';
import { startRun } from '../services/runs';
import { procedure, router } from './init';

// The UI's procedures for looking at the tables runs produced, and for "preview up to here" runs.

export const dataRouter = {
  runData: router({
    /** Every step's table outputs in a run. */
    outputs: procedure('viewer').input(z.object({ runId: z.string().min(1).max(200) })).query(({ input }) => runTableOutputs(input.runId)),
    /** A step's table outputs from the pipeline's newest run that produced them; null when none did. */
    stepOutputs: procedure('viewer').input(stepOutputsQuery).query(({ input }) => stepOutputsFromLastRun(input)),
    preview: procedure('viewer').input(runOutputPreviewQuery).query(({ input }) => previewRunOutput(input)),
    stats: procedure('viewer').input(runOutputRef).query(({ input }) => runOutputStats(input)),
    /** Runs the step and its ancestors only; errors of the pipeline come back as values, as runs.start does. */
    previewUpTo: procedure('editor', 'run.started')
      .input(previewUpToInput)
      .mutation(({ input }) => startRun(input.pipeline, { version: input.version, upTo: input.nodeId, trigger: 'preview' })),
  }),
};
