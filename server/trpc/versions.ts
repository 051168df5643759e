import { z } from 'zod';
import { PIPELINE_NAME } from '../../workflows/core/document';
import { listPipelineVersions, restorePipelineVersion } from '../services/pipeline-versions';
import { procedure, router } from './init';

// The UI's procedures for a pipeline's versions; a restored version is by the caller.

const versionRef = z.object({ name: z.string().regex(PIPELINE_NAME, 'Not a pipeline name'), version: z.number().int().min(1) });

export const versionsRouter = {
  pipelineVersions: router({
    list: procedure('viewer').input(z.object({ name: z.string().regex(PIPELINE_NAME, 'Not a pipeline name') })).query(({ input }) => listPipelineVersions(input.name)),
    /** Saves that version's document as the newest version; compile errors come back as values, as from save. */
    restore: procedure('editor', 'pipeline.saved').input(versionRef).mutation(({ input, ctx }) => restorePipelineVersion(input.name, input.version, ctx.caller.label)),
  }),
};
