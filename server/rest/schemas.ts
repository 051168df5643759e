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
  warnings: z.array(z.string()).optional().describe('How the file was read where it differs from the sampled types (a widened column); for the bytes of an earlier version, that it is "latest" again'),
});

export const compileErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
  nodeId: z.string().optional(),
  edge: z.object({ from: z.string(), to: z.string() }).optional(),
  path: z.string().optional(),
  position: z.number().int().optional().describe('For invalid_sql: a character offset into the parameter\'s SQL text, where DuckDB places the error'),
});

export const savePipelineResponse = z.object({ name: z.string(), version: z.number().int(), created: z.boolean() });
export const validationErrorResponse = z.object({ error: z.string(), errors: z.array(compileErrorSchema) });

export const stepStatusSchema = z.enum(['pending', 'running', 'succeeded', 'failed', 'skipped', 'cancelled']);
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
  params: z.record(z.string(), z.unknown()).describe('The values of the pipeline\'s parameters this run got'),
  origin: z
    .object({
      kind: z.enum(['schedule', 'dataset', 'webhook', 'pipeline']),
      scheduleId: z.string().optional(),
      triggerId: z.string().optional(),
      scheduledAt: z.string().optional().describe('The time a schedule (or a backfill) meant the run for'),
      params: z.record(z.string(), z.unknown()).optional(),
      payload: z.unknown().optional().describe('A webhook\'s JSON, the dataset versions, or the run that succeeded before'),
      originRunId: z.string().optional(),
      chain: z.array(z.string()).describe('Pipelines of a chain of pipeline-success triggers before this run'),
    })
    .optional()
    .describe('What started the run when no person did'),
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
      cachedFrom: z.string().uuid().optional().describe('The run whose outputs this step reused (step cache or resume) instead of running'),
      waitingForFitter: z.boolean().optional().describe('A train step whose fit waits for a free fitter (every fit worker slot is busy)'),
      params: z.record(z.string(), z.unknown()).optional().describe('The step’s parameters from the pipeline version’s plan (defaults filled in)'),
    }),
  ),
  trigger: z.string(),
  previewUpTo: z.string().optional().describe('A preview run: the step it ran up to (only that step and the steps it depends on ran)'),
  rerunOf: z.string().uuid().optional().describe('The failed run this run resumes'),
  resumedBy: z.array(z.object({ runId: z.string().uuid(), status: runStatusSchema, createdAt: z.string() })).describe('Runs that resumed this one'),
  approvals: z
    .array(
      z.object({
        nodeId: z.string(),
        decision: z.enum(['approve', 'reject']),
        comment: z.string().optional(),
        by: z.string().describe('Who decided: the caller (an API token\'s label or a person\'s email), or "timeout"'),
        at: z.string(),
      }),
    )
    .describe('Decisions on approval steps'),
  notDeployed: z
    .array(z.object({ nodeId: z.string(), cause: z.enum(['gate', 'declined', 'skipped']), reason: z.string() }))
    .describe('Deploy steps of a succeeded run that did not promote: stopped by a failed gate, declined by the step (an older run, a model no better), or skipped'),
});

/** Values of a pipeline's parameters: checked against its declarations when the run starts. */
export const runParamsSchema = z
  .record(z.string().min(1).max(64), z.union([z.string().max(10000), z.number(), z.boolean()]))
  .refine((r) => Object.keys(r).length <= 100, 'At most 100 parameters')
  .describe('Values of the pipeline\'s declared parameters by name; the ones left out take their defaults');

/** `Idempotency-Key` of a run start: 1 to 200 visible ASCII characters (a UUID is a good choice). */
export const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

export const startRunBody = z
  .object({
    version: z.number().int().min(1).optional(),
    params: runParamsSchema.optional(),
    ignoreCache: z.boolean().optional().describe('Run every step, even where an identical earlier success could be reused'),
    upTo: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_-]{0,63}$/, 'upTo is a step id')
      .optional()
      .describe('Preview up to this step: run only it and the steps it depends on (never a deploy, trigger, alert or approval)'),
  })
  .strict();
export const resumeRunBody = z
  .object({ version: z.number().int().min(1).optional().describe('The (fixed) pipeline version to resume with; the newest by default') })
  .strict();
export const approvalBody = z
  .object({
    decision: z.enum(['approve', 'reject'], { error: 'decision must be "approve" or "reject"' }),
    comment: z.string().max(2000, 'The comment is at most 2000 characters').optional(),
  })
  .strict();
export const approvalResponse = z.object({
  decision: z.enum(['approve', 'reject']),
  comment: z.string().optional(),
  by: z.string(),
  at: z.string(),
});
export const startRunResponse = z.object({ runId: z.string().uuid(), version: z.number().int() });

export const endpointResponse = z.object({
  name: z.string(),
  model: z.string(),
  modelVersion: z.number().int(),
  task: z.enum(['classification', 'regression', 'clustering']),
  target: z.string(),
  features: z.array(z.object({ name: z.string(), type: z.enum(['number', 'string']) })),
  classes: z.array(z.string()).optional(),
  requestColumns: z
    .array(z.string())
    .optional()
    .describe('Present when the model was trained on tables a prepare step learned from (impute, encode, scale): the raw columns a request sends; the endpoint applies what was learned before scoring'),
  staging: z.object({ model: z.string(), modelVersion: z.number().int() }).nullable().describe('What the staging slot serves (`?slot=staging`); null when empty'),
  challenger: z.object({ mode: z.enum(['none', 'canary', 'shadow']), canaryPercent: z.number().int() }).describe('How staging challenges production requests'),
  owner: z.string().nullable().describe('The pipeline whose deploy steps promote here; others need takeOver'),
  access: z.enum(['token', 'public']).describe('Who may call predict: `token` an API token (or session) of the workspace, `public` anyone'),
});

export const predictBody = z.object({
  rows: z
    .array(z.record(z.string(), z.unknown()), { error: 'rows must be an array of objects (column → value)' })
    .min(1, 'Send at least one row')
    .describe(
      'One object per row, keyed by feature name (null = missing). Extra keys are ignored and never logged. ' +
        'At most MILLRACE_MAX_PREDICT_ROWS rows (default 10000, else 413) and MILLRACE_MAX_PREDICT_BYTES bytes (default 10 MiB, else 413).',
    ),
});

/** `X-Request-Id` of a prediction: 1 to 200 visible ASCII characters (a UUID is a good choice). */
export const REQUEST_ID = /^[\x21-\x7e]{1,200}$/;
const requestIdSchema = z.string().regex(REQUEST_ID, 'a request id is 1 to 200 visible ASCII characters (no spaces)');

const feedbackItem = z
  .object({
    requestId: requestIdSchema.describe('The `X-Request-Id` of the predict request (sent by the client or answered by the server)'),
    row: z.number().int().min(0).default(0).describe('Index of the row in that request; 0 (the default) for a one-row request'),
    label: z
      .union([z.string().min(1).max(1000), z.number().finite(), z.boolean()], {
        error: 'label must be the true value: a class name (text) for classification, a number for regression',
      })
      .describe('The true value: a class name for classification, a number for regression'),
  })
  .strict();

export const feedbackBody = z
  .union([feedbackItem, z.array(feedbackItem).min(1, 'Send at least one label').max(10_000, 'At most 10000 labels per request')], {
    error: 'Send {"requestId", "label", "row"?} or an array of them',
  })
  .describe('One label, or an array of up to 10000');

export const feedbackResponse = z.object({
  stored: z.number().int().describe('Labels stored or changed by this request'),
  unchanged: z.number().int().describe('Labels that were already stored with the same value (a repeated request changes nothing)'),
  notFound: z.array(z.string()).describe('Request ids with no logged prediction on this endpoint (never logged, or pruned): nothing stored for them'),
  rowsOutOfRange: z
    .array(z.object({ requestId: z.string(), row: z.number().int(), rowCount: z.number().int() }))
    .describe('Labels for a row the request did not have: not stored'),
});

export const rowWarningSchema = z.object({
  row: z.number().int().describe('Index of the row in the request'),
  feature: z.string(),
  message: z.string().describe('e.g. unknown category "Atlantis" (the model was trained on …); the feature is ignored for this row'),
});

export const predictResponse = z.object({
  requestId: z.string().describe('The request’s `X-Request-Id` (yours, or one made up by the server): send it back with feedback'),
  model: z.string(),
  modelVersion: z.number().int(),
  slot: z.literal('staging').optional().describe('Present when the staging slot answered'),
  predictions: z.array(z.union([z.string(), z.number()])),
  probabilities: z.array(z.record(z.string(), z.number())).optional(),
  warnings: z
    .array(rowWarningSchema)
    .describe('Rows were scored, but these values deserve a look: text values the model never saw in training (first 100)'),
  warningsOmitted: z.number().int().optional().describe('Warnings beyond the first 100, counted'),
});

export const rowIssueSchema = z.object({ row: z.number().int(), feature: z.string().optional(), message: z.string() });

export const predictErrorResponse = z.object({
  error: z.string().describe('Every problem, each naming its row and feature'),
  errors: z.array(z.string()),
  issues: z.array(rowIssueSchema),
});

export const errorResponse = z.object({
  error: z.string(),
  requestId: z.string().optional().describe('500 only: quote it when reporting the problem; the server log has the details under it'),
  dependency: z.enum(['postgres', 'temporal']).optional().describe('503 only: the service that is not answering'),
});

export { pipelineDocumentSchema };
