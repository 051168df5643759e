import { z } from 'zod';
import { PIPELINE_NAME } from '../../workflows/core/document';
import { notFound } from '../infra/errors';
import { stepLogs, stepLogsQuery } from '../services/step-logs';
import { listTemplates, templateDocument } from '../templates';
import { procedure, router } from './init';

// The UI's procedures for the run page's step logs and the new-pipeline templates.

export const runViewRouter = {
  stepLogs: router({
    /** A step's lines after `after`; the drawer polls with the last id while the step runs. */
    list: procedure('viewer').input(stepLogsQuery).query(({ input }) => stepLogs(input)),
  }),
  templates: router({
    list: procedure('viewer').query(() => listTemplates()),
    document: procedure('viewer')
      .input(z.strictObject({ id: z.string().min(1).max(64), name: z.string().regex(PIPELINE_NAME, 'Not a pipeline name') }))
      .query(({ input }) => {
        const doc = templateDocument(input.id, input.name);
        if (!doc) throw notFound(`Template "${input.id}"`);
        return doc;
      }),
  }),
};
