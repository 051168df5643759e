import { z } from 'zod';
import { pipelineDocumentSchema } from '../../workflows/core/document';

// The shapes of the REST API: validation of what comes in, and the OpenAPI document of what goes out.

export const columnSchema = z.object({ name: z.string(), type: z.string() });

export const datasetVersionResponse = z.object({
  name: z.string(),
  version: z.number().int(),
  rows: z.number().int(),
  columns: z.array(columnSchema),
  created: z.boolean().describe('false when the same bytes were uploaded before'),
  warnings: z.array(z.string()).optional().describe('How the file was read where it differs from the sampled types (a widened column)'),
});

export const compileErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
  nodeId: z.string().optional(),
  edge: z.object({ from: z.string(), to: z.string() }).optional(),
  path: z.string().optional(),
});

export const savePipelineResponse = z.object({ name: z.string(), version: z.number().int(), created: z.boolean() });
export const validationErrorResponse = z.object({ error: z.string(), errors: z.array(compileErrorSchema) });

export const stepStatusSchema = z.enum(['pending', 'running', 'succeeded', 'failed', 'skipped']);
export const runStatusSchema = z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled']);

export const runResponse = z.object({
  runId: z.string().uuid(),
  pipeline: z.string(),
  version: z.number().int(),
  status: runStatusSchema,
  createdAt: z.string(),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
  error: z.string().optional(),
  steps: z.array(
    z.object({
      nodeId: z.string(),
      type: z.string(),
      status: stepStatusSchema,
      attempts: z.number().int(),
      startedAt: z.string().optional(),
      finishedAt: z.string().optional(),
      error: z.string().optional(),
      summary: z.record(z.string(), z.unknown()).optional(),
    }),
  ),
});

export const startRunBody = z.object({ version: z.number().int().min(1).optional() }).strict();
export const startRunResponse = z.object({ runId: z.string().uuid(), version: z.number().int() });

export const endpointResponse = z.object({
  name: z.string(),
  model: z.string(),
  modelVersion: z.number().int(),
  task: z.enum(['classification', 'regression']),
  target: z.string(),
  features: z.array(z.object({ name: z.string(), type: z.enum(['number', 'string']) })),
  classes: z.array(z.string()).optional(),
});

export const predictBody = z.object({
  rows: z
    .array(z.record(z.string(), z.unknown()), { error: 'rows must be an array of objects (column → value)' })
    .min(1, 'Send at least one row')
    .max(10_000, 'At most 10000 rows per request'),
});

export const predictResponse = z.object({
  model: z.string(),
  modelVersion: z.number().int(),
  predictions: z.array(z.union([z.string(), z.number()])),
  probabilities: z.array(z.record(z.string(), z.number())).optional(),
});

export const errorResponse = z.object({ error: z.string() });

export { pipelineDocumentSchema };
