import { z } from 'zod';
import { columnStatsFields, intQuery, previewPageFields } from './table-openapi';

// The OpenAPI entries of run outputs' previews (spread into server/rest/openapi.ts).

interface Helpers {
  answer: (description: string, s?: z.ZodType) => unknown;
  errors: (...codes: number[]) => Record<string, unknown>;
  nameParam: (name: string, description: string) => unknown;
}

const ref = { runId: z.string(), nodeId: z.string(), port: z.string() };
const previewResponse = z.object({ ...ref, ...previewPageFields });
const statsResponse = z.object({ ...ref, ...columnStatsFields });

export function runOutputPaths({ answer, errors, nameParam }: Helpers) {
  const params = [nameParam('runId', 'Run id'), nameParam('nodeId', 'The step’s node id'), nameParam('port', 'A table output port of the step (e.g. `train`)')];
  return {
    '/api/v1/runs/{runId}/steps/{nodeId}/outputs/{port}/preview': {
      get: {
        summary: 'A page of the rows a step wrote on a table output, in file order',
        description: '404 when the run, the step or a table output of that name does not exist (the message lists the step’s table outputs).',
        parameters: [...params, intQuery('offset', 'Rows to skip (default 0)'), intQuery('limit', 'Rows, 1 to 500 (default 100)')],
        responses: { '200': answer('Rows', previewResponse), ...errors(400, 404, 503) },
      },
    },
    '/api/v1/runs/{runId}/steps/{nodeId}/outputs/{port}/stats': {
      get: {
        summary: 'Per-column statistics of a step’s table output (nulls, distinct, min, max, histogram), computed by DuckDB',
        parameters: params,
        responses: { '200': answer('Statistics', statsResponse), ...errors(400, 404, 503) },
      },
    },
  };
}
