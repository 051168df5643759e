import { z } from 'zod';
import {
  approvalBody,
  approvalResponse,
  datasetVersionResponse,
  endpointResponse,
  errorResponse,
  IDEMPOTENCY_KEY,
  REQUEST_ID,
  feedbackBody,
  feedbackResponse,
  pipelineDocumentSchema,
  predictBody,
  predictErrorResponse,
  predictResponse,
  resumeRunBody,
  runResponse,
  savePipelineResponse,
  startRunBody,
  startRunResponse,
  validationErrorResponse,
} from './schemas';
import { automationPaths } from './automation-openapi';
import { accountPaths } from './accounts-openapi';
import { registryPaths } from './registry-openapi';
import { runOutputPaths } from './run-outputs-openapi';
import { accessPaths } from './access-openapi';
import { webhookInput } from '../services/notifications';
import { endpointHistoryResponse } from '../services/endpoint-history';
import { endpointMetricsResponse } from '../services/endpoint-metrics';
import { rollbackBody, rollbackResponse } from '../services/endpoint-rollback';
import { setEndpointAccessBody } from '../services/endpoint-access';
import { driftHistoryResponse } from '../services/drift-history';
import { VERSION_MESSAGE_MAX } from '../../workflows/core/version-message';
import { STEP_LOG_PAGE, stepLogsResponse } from '../services/step-logs';

const pipelineVersionsResponse = z.object({
  name: z.string(),
  latestVersion: z.number().int(),
  versions: z.array(
    z.object({ version: z.number().int(), createdAt: z.string().describe('ISO time'), author: z.string(), message: z.string().nullable(), nodeCount: z.number().int() }),
  ),
});

const schema = (s: z.ZodType, io: 'input' | 'output' = 'output') => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(s, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
};
const body = (s: z.ZodType) => ({ required: true, content: { 'application/json': { schema: schema(s, 'input') } } });
const answer = (description: string, s?: z.ZodType) =>
  s ? { description, content: { 'application/json': { schema: schema(s) } } } : { description };
const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Bad input',
  404: 'Not found',
  409: 'Conflict',
  413: 'The body or the number of rows is over the limit',
  415: 'Unsupported Content-Type, or content that is not of its Content-Type',
  422: 'Unprocessable content (a malformed file, a document that does not compile)',
  500: 'Internal error: the answer carries only a request id, the server log has the details',
  503: 'Postgres or Temporal is not answering (`dependency` says which); retry after the `Retry-After` seconds',
};
const errors = (...codes: number[]) =>
  Object.fromEntries([...codes, 500].map((c) => [String(c), answer(ERROR_DESCRIPTIONS[c] ?? 'Error', errorResponse)]));
const nameParam = (name: string, description: string) => ({ name, in: 'path', required: true, schema: { type: 'string' }, description });

/** The operations anyone may call, and how: no credential, or the webhook trigger's own token. */
const OPEN_OPERATIONS: Record<string, Array<Record<string, string[]>>> = {
  'get /api/health': [],
  'get /api/v1/openapi.json': [],
  'post /api/v1/setup': [],
  'get /api/v1/invitations/{id}': [],
  'post /api/v1/invitations/{id}/accept': [],
  'post /api/v1/hooks/{id}': [{ hookToken: [] }],
};

type Operation = { security?: unknown; responses?: Record<string, unknown> };

/**
 * Every operation states its credential: an API token unless it is open (above) or says otherwise itself
 * (predict: per endpoint). Those needing a token also document the 401 and 403 answers.
 */
function withSecurity<D extends { paths: Record<string, Record<string, Operation>> }>(doc: D): D {
  for (const [path, operations] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(operations)) {
      const open = OPEN_OPERATIONS[`${method} ${path}`];
      op.security ??= open ?? [{ bearerAuth: [] }];
      if (open) continue;
      op.responses = {
        ...op.responses,
        '401': answer('No credential, or a token that is not valid (with `WWW-Authenticate: Bearer`)', errorResponse),
        // Predict takes a token of any role, so only a missing or wrong one is refused.
        ...(path.endsWith('/predict') ? {} : { '403': answer('The token’s role is below the role this needs', errorResponse) }),
      };
    }
  }
  return doc;
}

/** The OpenAPI 3.1 document of /api/v1, generated from the same zod schemas the routes validate with. */
export function openApiDocument() {
  return withSecurity({
    openapi: '3.1.0',
    info: {
      title: 'Millrace API',
      version: '1.0.0',
      description:
        'Datasets, pipelines, runs and model endpoints. Requests must be addressed to a host Millrace serves ' +
        '(localhost or MILLRACE_ALLOWED_HOSTS; otherwise 421). Changes (POST, PUT, PATCH, DELETE) are refused with 403 ' +
        'when an Origin header names another site, and with 415 when the body is a form or plain text: send application/json ' +
        '(dataset upload: the file type). Every answer carries an `x-request-id` header; a 500 answers ' +
        '`{"error": "Internal error", "requestId": …}` and the server log holds the details under that id. ' +
        'Send an API token as `Authorization: Bearer <token>` (an admin makes them). A token acts in its ' +
        'workspace with its role: reading needs viewer, changes editor, alias moves, rollbacks, approvals and predict access ' +
        'changes deployer, webhooks admin. No token: 401; a weaker role: 403.',
    },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'An API token (`mrt_…`), or a signed-in session cookie from the browser' },
        hookToken: {
          type: 'apiKey',
          in: 'header',
          name: 'X-Millrace-Token',
          description: 'A webhook trigger’s own token (also accepted as `Authorization: Bearer <token>`), shown once when the trigger is made',
        },
      },
    },
    security: [{ bearerAuth: [] }],
    paths: {
      '/api/v1/datasets': {
        post: {
          summary: 'Upload a dataset version',
          description:
            'The body is the file, streamed (no size in memory). 413: larger than MILLRACE_MAX_UPLOAD_BYTES. 415: the content is not of its ' +
            'Content-Type (JSON sent as CSV...). 422: a malformed file (ragged rows, unterminated quotes, duplicate column names, broken ' +
            'JSON), with the line. A later CSV value that does not fit its sampled column type widens the column, listed in `warnings`.',
          parameters: [{ name: 'name', in: 'query', required: true, schema: { type: 'string' } }],
          requestBody: {
            required: true,
            content: Object.fromEntries(
              ['text/csv', 'application/json', 'application/x-ndjson', 'application/vnd.apache.parquet'].map((t) => [
                t,
                { schema: { type: 'string', format: 'binary' } },
              ]),
            ),
          },
          responses: {
            '201': answer('A new version was stored', datasetVersionResponse),
            '200': answer('Identical bytes: the existing version', datasetVersionResponse),
            ...errors(400, 413, 415, 422),
          },
        },
      },
      '/api/v1/pipelines/{name}': {
        put: {
          summary: 'Save a pipeline document as a new version',
          description:
            'The version records its author (the caller: the API token\'s label) and an optional message, given as `?message=` ' +
            'or as the `X-Millrace-Message` header (not both). A document equal to the newest version creates nothing (`created: false`).',
          parameters: [
            nameParam('name', 'Pipeline name; must equal the document name'),
            { name: 'message', in: 'query', required: false, schema: { type: 'string', maxLength: VERSION_MESSAGE_MAX }, description: 'What changed, in a few words' },
            { name: 'X-Millrace-Message', in: 'header', required: false, schema: { type: 'string', maxLength: VERSION_MESSAGE_MAX }, description: 'The message as a header (printable ASCII)' },
          ],
          requestBody: body(pipelineDocumentSchema),
          responses: {
            '200': answer('Saved (or unchanged)', savePipelineResponse),
            '422': answer('The document does not compile', validationErrorResponse),
            ...errors(400),
          },
        },
        get: {
          summary: 'The newest version of a pipeline (or ?version=N)',
          parameters: [
            nameParam('name', 'Pipeline name'),
            { name: 'version', in: 'query', required: false, schema: { type: 'integer', minimum: 1 }, description: 'A version (default: the newest)' },
          ],
          responses: { '200': { description: 'Pipeline with its document' }, ...errors(400, 404) },
        },
      },
      '/api/v1/pipelines/{name}/versions': {
        get: {
          summary: 'Every version of a pipeline, newest first, with author, time, message and number of steps',
          parameters: [nameParam('name', 'Pipeline name')],
          responses: { '200': answer('The versions', pipelineVersionsResponse), ...errors(404) },
        },
      },
      '/api/v1/pipelines/{name}/drift': {
        get: {
          summary: 'Drift scores over time: the verdicts of every successful Data drift step of the pipeline, oldest first',
          parameters: [
            nameParam('name', 'Pipeline name'),
            { name: 'node', in: 'query', required: false, schema: { type: 'string' }, description: 'One drift step (default: every one)' },
            { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 500, default: 100 }, description: 'The newest this many reports' },
          ],
          responses: { '200': answer('Per report: the run, the share of drifted features and each feature’s score and verdict', driftHistoryResponse), ...errors(400, 404) },
        },
      },
      '/api/v1/pipelines/{name}/runs': {
        post: {
          summary: 'Start a run',
          description:
            'The run and its start request are recorded in one transaction, then its workflow is started; if Temporal ' +
            'stops meanwhile, the run starts as soon as it is back (202 means it will run). 503 (with Retry-After and ' +
            '`dependency`: postgres or temporal) means nothing was recorded. Send an `Idempotency-Key` to retry safely: ' +
            'the same key with the same body answers the run the first request started (200); with another body, 422.',
          parameters: [
            nameParam('name', 'Pipeline name'),
            {
              name: 'Idempotency-Key',
              in: 'header',
              required: false,
              schema: { type: 'string', pattern: IDEMPOTENCY_KEY.source },
              description: '1 to 200 visible ASCII characters, e.g. a UUID; the same key and body give the same run',
            },
          ],
          requestBody: { required: false, content: { 'application/json': { schema: schema(startRunBody, 'input') } } },
          responses: {
            '202': answer('Run recorded and starting', startRunResponse),
            '200': answer('The run an earlier request with the same Idempotency-Key started', startRunResponse),
            '422': answer('The version does not compile, a parameter value is unknown or of the wrong type, or the Idempotency-Key was used with another body', validationErrorResponse),
            ...errors(400, 404, 503),
          },
        },
      },
      '/api/v1/runs': {
        get: {
          summary: 'Runs, newest first, filtered and paged',
          description:
            'Keyset paging: pass the answer\'s `nextCursor` as `cursor` for the next page (null on the last). ' +
            '`from` and `to` are ISO 8601 times or dates (a bare `to` date includes that day); `status` may list several, comma-separated.',
          parameters: [
            { name: 'pipeline', in: 'query', schema: { type: 'string' } },
            { name: 'status', in: 'query', schema: { type: 'string' }, description: 'queued, running, succeeded, failed, cancelled; comma-separated' },
            { name: 'trigger', in: 'query', schema: { type: 'string' }, description: 'e.g. manual, api, schedule' },
            { name: 'from', in: 'query', schema: { type: 'string', format: 'date-time' } },
            { name: 'to', in: 'query', schema: { type: 'string', format: 'date-time' } },
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 } },
            { name: 'cursor', in: 'query', schema: { type: 'string' } },
          ],
          responses: { '200': { description: '`{runs: [{runId, pipeline, version, status, trigger, createdAt, startedAt, finishedAt, durationMs, error, gateBlocked, previewUpTo}], nextCursor}`; `gateBlocked`: a succeeded run whose failed gate kept its deploy steps from promoting; `previewUpTo`: the step a preview run ran up to, else null' }, ...errors(400) },
        },
      },
      '/api/v1/runs/compare': {
        get: {
          summary: 'Compare two or more runs of one pipeline',
          description: 'Parameters of every step (with `differs`), metrics of evaluate and train steps, and step durations, one value per run in the order of `ids`.',
          parameters: [{ name: 'ids', in: 'query', required: true, schema: { type: 'string' }, description: 'Run ids, comma-separated (2 to 10)' }],
          responses: { '200': { description: '`{pipeline, runs, params, metrics, durations}`' }, ...errors(400, 404) },
        },
      },
      '/api/v1/webhooks': {
        get: {
          summary: 'Webhooks of the workspace',
          responses: { '200': { description: '`{webhooks: [{id, url, events, pipeline, signed, createdAt}]}`; `url` is the display form (`https://hooks.slack.com/…`)' } },
        },
        post: {
          summary: 'Add a webhook',
          description:
            'Millrace POSTs Slack-compatible JSON (`{text, blocks}` plus a `millrace` object with event, pipeline, runId, runStatus, url) to `url` ' +
            'for the chosen events, retrying with exponential backoff (MILLRACE_WEBHOOK_MAX_ATTEMPTS). Loopback, private and metadata addresses are ' +
            'refused unless allow-listed (MILLRACE_WEBHOOK_ALLOW_NETWORKS). The URL is stored encrypted and shown only as scheme and host. ' +
            'With `signed: true` every delivery carries `X-Millrace-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`.',
          requestBody: body(webhookInput),
          responses: {
            '201': { description: 'The webhook: `{id, url (display form), events, pipeline, signed, signingSecret?, createdAt}`; `signingSecret` appears only in this answer' },
            ...errors(400, 404, 415),
          },
        },
      },
      '/api/v1/webhooks/{id}': {
        delete: { summary: 'Remove a webhook (its delivery log stays)', parameters: [nameParam('id', 'Webhook id')], responses: { '204': { description: 'Removed' }, ...errors(400, 404) } },
      },
      '/api/v1/webhooks/{id}/deliveries': {
        get: {
          summary: 'Delivery log of a webhook',
          parameters: [nameParam('id', 'Webhook id')],
          responses: { '200': { description: '`{deliveries: [{id, event, runId, status, attempts, lastStatusCode, lastError, nextAttemptAt, deliveredAt}]}`' }, ...errors(400) },
        },
      },
      '/api/v1/notifications': {
        get: { summary: 'In-app notifications, newest first, and the unread count', responses: { '200': { description: '`{unread, notifications}`' } } },
      },
      '/api/v1/runs/{runId}': {
        get: {
          summary: 'Run status with every step',
          parameters: [nameParam('runId', 'Run id')],
          responses: { '200': answer('The run', runResponse), ...errors(404) },
        },
      },
      '/api/v1/runs/{runId}/cancel': {
        post: {
          summary: 'Cancel a queued or running run',
          description:
            'A run whose workflow has not started yet is cancelled at once (its steps skipped); otherwise its workflow is ' +
            'asked to cancel and the run shows cancelled once it has stopped. 409 when the run has already finished.',
          parameters: [nameParam('runId', 'Run id')],
          responses: { '202': { description: 'Cancelled, or cancelling' }, ...errors(404, 409, 503) },
        },
      },
      '/api/v1/runs/{runId}/resume': {
        post: {
          summary: 'Fix and resume a failed run',
          description:
            'Starts a new run of the pipeline (the newest version, or `version`: save the fixed pipeline first) that reuses ' +
            'the outputs of every step that succeeded in the failed or cancelled run and is unchanged, so it starts at the ' +
            'failed step. The new run\'s `rerunOf` names the old run; the old run lists it in `resumedBy`.',
          parameters: [nameParam('runId', 'The failed run')],
          requestBody: { required: false, content: { 'application/json': { schema: schema(resumeRunBody, 'input') } } },
          responses: {
            '202': answer('The resumed run started', startRunResponse),
            '422': answer('The version cannot run', validationErrorResponse),
            ...errors(400, 404, 409, 503),
          },
        },
      },
      '/api/v1/runs/{runId}/approvals/{node}': {
        post: {
          summary: 'Approve or reject an approval step that is waiting',
          description:
            'The run continues at once. Who decided is the caller (needs the deployer role). 409 when the step is ' +
            'not waiting (not reached yet, already decided, or the run has ended).',
          parameters: [
            nameParam('runId', 'Run id'),
            nameParam('node', 'The approval step’s node id'),
          ],
          requestBody: body(approvalBody),
          responses: { '200': answer('The decision as recorded', approvalResponse), ...errors(400, 404, 409, 415, 503) },
        },
      },
      '/api/v1/runs/{runId}/steps/{nodeId}/file': {
        get: {
          summary: 'Download the file an export step wrote',
          description:
            'The "file" output of an export step (export.file), as an attachment: `text/csv; charset=utf-8` or ' +
            '`application/vnd.apache.parquet`, with a Content-Disposition naming the file. 404 when the step has no file ' +
            '(another step type, or it did not succeed).',
          parameters: [nameParam('runId', 'Run id'), nameParam('nodeId', 'The export step’s node id')],
          responses: {
            '200': {
              description: 'The file',
              headers: { 'Content-Disposition': { schema: { type: 'string' }, description: 'attachment; filename="…"; filename*=UTF-8\'\'…' } },
              content: Object.fromEntries(
                ['text/csv', 'application/vnd.apache.parquet'].map((t) => [t, { schema: { type: 'string', format: 'binary' } }]),
              ),
            },
            ...errors(404),
          },
        },
      },
      '/api/v1/runs/{runId}/steps/{nodeId}/logs': {
        get: {
          summary: 'A step’s log lines',
          description:
            'What the step said while it ran (progress, rows read and written, fits, gate verdicts, deploy decisions, failed attempts), ' +
            'oldest first, tagged with the attempt. Each execution keeps its first 500 and last 500 lines and says how many it dropped. ' +
            'To tail a running step, ask again with `after` set to the answer’s `after`.',
          parameters: [
            nameParam('runId', 'Run id'),
            nameParam('nodeId', 'The step’s node id'),
            { name: 'after', in: 'query', schema: { type: 'integer', minimum: 0 }, description: 'Only lines with a larger id' },
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: STEP_LOG_PAGE, default: STEP_LOG_PAGE } },
          ],
          responses: { '200': answer('The lines', stepLogsResponse), ...errors(400, 404) },
        },
      },
      '/api/v1/endpoints/{name}': {
        get: {
          summary: 'An endpoint and the features it expects',
          parameters: [nameParam('name', 'Endpoint name')],
          responses: { '200': answer('The endpoint', endpointResponse), ...errors(404) },
        },
        patch: {
          summary: 'Who may call the endpoint’s predict: `{"access": "public" | "token"}` (deployer)',
          description: 'Effective for the next predict request. `changed: false` when the endpoint already had that access.',
          parameters: [nameParam('name', 'Endpoint name')],
          requestBody: body(setEndpointAccessBody),
          responses: {
            '200': answer('The access now in force', z.object({ name: z.string(), access: z.enum(['token', 'public']), changed: z.boolean() })),
            ...errors(400, 404, 415),
          },
        },
      },
      '/api/v1/endpoints/{name}/history': {
        get: {
          summary: 'What the endpoint served over time: every promotion, newest first',
          description:
            'One event per promotion (a run’s deploy step records one, however often it is retried), with the model ' +
            'version before and after. Keyset paging: pass the answer’s `nextCursor` as `cursor` for the next page (null on the last).',
          parameters: [
            nameParam('name', 'Endpoint name'),
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 } },
            { name: 'cursor', in: 'query', schema: { type: 'string' } },
          ],
          responses: { '200': answer('The endpoint’s events, newest first', endpointHistoryResponse), ...errors(400, 404) },
        },
      },
      '/api/v1/endpoints/{name}/metrics': {
        get: {
          summary: 'Requests, error rate, latency percentiles and predictions per slot, over the last hour, day or week',
          description:
            'Computed from the prediction log: every answered request, and every request refused with 400 or more (bad rows, a body ' +
            'that is not JSON, too many rows) once the endpoint exists. Per slot: production, staging (`?slot=staging` or a canary ' +
            'answering its share) and shadow (the challenger scoring production’s requests). Buckets of 1 minute (hour), 15 minutes ' +
            '(day) or 2 hours (week); the prediction distribution counts the logged predictions (up to MILLRACE_PREDICTION_LOG_MAX_BYTES per request).',
          parameters: [
            nameParam('name', 'Endpoint name'),
            { name: 'window', in: 'query', schema: { type: 'string', enum: ['hour', 'day', 'week'], default: 'hour' } },
          ],
          responses: { '200': answer('The endpoint’s metrics per slot', endpointMetricsResponse), ...errors(400, 404) },
        },
      },
      '/api/v1/endpoints/{name}/predict': {
        post: {
          summary: 'Score rows with the endpoint’s production model (or its staging model: `?slot=staging`)',
          description:
            'Send `Content-Type: application/json`. Numbers must be finite and within float32 range; a text value the ' +
            'model never saw in training is scored and reported in `warnings`. The feature values (never extra keys) and ' +
            'the predictions are logged in the background, up to MILLRACE_PREDICTION_LOG_MAX_BYTES per request. ' +
            'Who may call depends on the endpoint (`access`, set with PATCH /api/v1/endpoints/{name}): `token` (the default) ' +
            'needs an API token of the endpoint’s workspace (any role) and answers 401 without one; `public` answers anyone. ' +
            'A public endpoint of a workspace other than `default` is named with the `X-Millrace-Workspace` header.',
          security: [{}, { bearerAuth: [] }],
          parameters: [
            nameParam('name', 'Endpoint name'),
            {
              name: 'X-Millrace-Workspace',
              in: 'header',
              required: false,
              description: 'Without a token: the slug of the workspace whose public endpoint is meant (default `default`)',
              schema: { type: 'string' },
            },
            {
              name: 'slot',
              in: 'query',
              required: false,
              description: '`production` (the default) or `staging`; the `X-Millrace-Slot` header does the same',
              schema: { type: 'string', enum: ['production', 'staging'] },
            },
            {
              name: 'X-Request-Id',
              in: 'header',
              required: false,
              description:
                'Your id for this request (1–200 visible ASCII characters), logged with the prediction and answered in the ' +
                '`X-Request-Id` header and `requestId`; without it the server makes one up. Send it back with feedback.',
              schema: { type: 'string', pattern: REQUEST_ID.source },
            },
          ],
          requestBody: body(predictBody),
          responses: {
            '200': answer('Predictions, one per row, and warnings', predictResponse),
            ...errors(404, 413, 415, 503),
            '400': answer('Invalid rows: each problem names its row and feature (or an X-Request-Id that is not 1–200 visible characters)', predictErrorResponse),
          },
        },
      },
      '/api/v1/endpoints/{name}/rollback': {
        post: {
          summary: 'Point a slot back at a model version the endpoint served before',
          description:
            'Send `{"version": n}` (a version of the model the slot serves now) or `{"modelVersionId": id}`, and `slot` ' +
            '(production by default). Effective for the next request; recorded as a `rollback` event with the caller ' +
            '(needs the deployer role) as the actor. A version the endpoint never served is refused (409).',
          parameters: [nameParam('name', 'Endpoint name')],
          requestBody: body(rollbackBody),
          responses: { '200': answer('The slot now serves that version', rollbackResponse), ...errors(400, 404, 409, 415) },
        },
      },
      '/api/v1/endpoints/{name}/feedback': {
        post: {
          summary: 'Attach true labels to logged predictions, by request id',
          description:
            'One `{requestId, label, row?}` or an array of up to 10000. `requestId` is the predict request’s `X-Request-Id`; ' +
            '`row` its row (0 by default). Idempotent: the same label again changes nothing, a different one replaces it. ' +
            'Monitoring joins the labels with the logged predictions (table prediction_feedback).',
          parameters: [nameParam('name', 'Endpoint name')],
          requestBody: body(feedbackBody),
          responses: {
            '200': answer('Every label stored (or already stored)', feedbackResponse),
            '422': answer(
              'Some labels could not be attached (request ids never logged or pruned, rows the request did not have): listed, and not stored; the others were stored',
              feedbackResponse.extend({ error: z.string() }),
            ),
            ...errors(400, 404, 413, 415, 503),
          },
        },
      },
      ...automationPaths({ body, answer, errors, nameParam }),
      ...accountPaths({ body, errors, nameParam }),
      ...registryPaths({ body, answer, errors, nameParam }),
      ...runOutputPaths({ answer, errors, nameParam }),
      ...accessPaths({ answer, errors }),
      '/api/health': {
        get: {
          summary: 'Ok only when Postgres and Temporal answer',
          responses: {
            '200': { description: 'ok; `predictionLog` gives the prediction logs `queued` for writing and `dropped` since start (queue full while Postgres was slow or down)' },
            '503': { description: 'unhealthy: `unavailable` lists the dependencies that did not answer within 3 s; with Retry-After' },
          },
        },
      },
    },
  });
}
