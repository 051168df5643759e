import { z } from 'zod';
import { backfillSchema, createScheduleSchema, OVERLAP_POLICIES, scheduleSpecSchema, updateScheduleSchema } from '../../workflows/core/schedule-spec';
import { createTriggerSchema, TRIGGER_KINDS } from '../../workflows/core/trigger-spec';

// The OpenAPI entries of schedules, triggers and webhooks (spread into server/rest/openapi.ts).

const lastRun = z.object({
  runId: z.string().optional(),
  status: z.string().describe('The run status, or "failed"/"refused" when the firing started no run (see message)'),
  scheduledAt: z.string().optional(),
  at: z.string(),
  message: z.string().optional(),
});

export const scheduleResponse = z.object({
  id: z.string().describe('The Temporal schedule id, "<pipeline>:<name>"'),
  pipeline: z.string(),
  name: z.string(),
  spec: scheduleSpecSchema.optional().describe('As Temporal holds it'),
  description: z.string().optional().describe('The schedule in words'),
  overlap: z.enum(OVERLAP_POLICIES).optional(),
  catchupWindowSeconds: z.number().int().optional(),
  paused: z.boolean().optional(),
  stateNote: z.string().optional().describe('Temporal\'s note on the state, e.g. why it was paused'),
  params: z.record(z.string(), z.unknown()),
  nextRuns: z.array(z.string()).describe('The next times, from Temporal (none while paused)'),
  running: z.number().int().describe('Runs of this schedule still going'),
  actionsTaken: z.number().int(),
  lastRun: lastRun.optional(),
  note: z.string().optional(),
  createdBy: z.string(),
  updatedBy: z.string(),
  lastChange: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  problem: z.string().optional().describe('Set when Temporal could not describe the schedule'),
});

export const triggerResponse = z.object({
  id: z.string().uuid(),
  pipeline: z.string(),
  kind: z.enum(TRIGGER_KINDS),
  dataset: z.string().optional(),
  debounceSeconds: z.number().int().optional(),
  afterPipeline: z.string().optional(),
  hookPath: z.string().optional().describe('webhook: where to POST'),
  paramPointers: z.record(z.string(), z.string()),
  params: z.record(z.string(), z.unknown()),
  enabled: z.boolean(),
  note: z.string().optional(),
  createdBy: z.string(),
  updatedBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  lastFiring: lastRun.omit({ scheduledAt: true }).optional(),
});

interface Helpers {
  body: (s: z.ZodType) => unknown;
  answer: (description: string, s?: z.ZodType) => unknown;
  errors: (...codes: number[]) => Record<string, unknown>;
  nameParam: (name: string, description: string) => unknown;
}

const WHO = 'The change is recorded as made by the caller (the API token\'s label).';

export function automationPaths({ body, answer, errors, nameParam }: Helpers) {
  const pipeline = nameParam('name', 'Pipeline name');
  const schedule = nameParam('schedule', 'Schedule name');
  return {
    '/api/v1/schedules': {
      get: {
        summary: 'Every pipeline\'s schedules and triggers',
        responses: { '200': answer('Schedules and triggers', z.object({ schedules: z.array(scheduleResponse), triggers: z.array(triggerResponse) })), ...errors(503) },
      },
    },
    '/api/v1/pipelines/{name}/schedules': {
      get: {
        summary: 'A pipeline\'s schedules, described by Temporal',
        parameters: [pipeline],
        responses: { '200': answer('Schedules', z.object({ schedules: z.array(scheduleResponse) })), ...errors(404, 503) },
      },
      post: {
        summary: 'Create a schedule (cron or interval, in a time zone)',
        description:
          'Temporal holds and fires the schedule: each time starts a run of the pipeline\'s newest version, which records the ' +
          `schedule and the time it was scheduled for. ${WHO}`,
        parameters: [pipeline],
        requestBody: body(createScheduleSchema),
        responses: { '201': answer('Created', scheduleResponse), ...errors(400, 404, 409, 503) },
      },
    },
    '/api/v1/pipelines/{name}/schedules/{schedule}': {
      get: { summary: 'One schedule', parameters: [pipeline, schedule], responses: { '200': answer('The schedule', scheduleResponse), ...errors(404, 503) } },
      patch: {
        summary: 'Change a schedule\'s timing, overlap policy, catch-up window, parameters or note',
        description: `Only the fields given change. ${WHO}`,
        parameters: [pipeline, schedule],
        requestBody: body(updateScheduleSchema),
        responses: { '200': answer('The schedule', scheduleResponse), ...errors(400, 404, 503) },
      },
      delete: { summary: 'Delete a schedule (its runs are kept)', parameters: [pipeline, schedule], responses: { '204': answer('Deleted'), ...errors(404, 503) } },
    },
    '/api/v1/pipelines/{name}/schedules/{schedule}/pause': {
      post: {
        summary: 'Pause: no runs until resumed',
        parameters: [pipeline, schedule],
        requestBody: { required: false, content: { 'application/json': { schema: { type: 'object', properties: { note: { type: 'string' } } } } } },
        responses: { '200': answer('The schedule', scheduleResponse), ...errors(404, 503) },
      },
    },
    '/api/v1/pipelines/{name}/schedules/{schedule}/resume': {
      post: {
        summary: 'Resume a paused schedule',
        parameters: [pipeline, schedule],
        requestBody: { required: false, content: { 'application/json': { schema: { type: 'object', properties: { note: { type: 'string' } } } } } },
        responses: { '200': answer('The schedule', scheduleResponse), ...errors(404, 503) },
      },
    },
    '/api/v1/pipelines/{name}/schedules/{schedule}/trigger': {
      post: { summary: 'Run now, beside any run that is going', parameters: [pipeline, schedule], responses: { '202': answer('Started'), ...errors(404, 503) } },
    },
    '/api/v1/pipelines/{name}/schedules/{schedule}/backfill': {
      post: {
        summary: 'Run for every time the schedule would have fired in a range (both ends included)',
        description: 'Each run receives its own scheduled time. One after another, or all at once with `concurrent: true`.',
        parameters: [pipeline, schedule],
        requestBody: body(backfillSchema),
        responses: { '202': answer('Backfill started'), ...errors(400, 404, 503) },
      },
    },
    '/api/v1/pipelines/{name}/triggers': {
      get: { summary: 'A pipeline\'s triggers', parameters: [pipeline], responses: { '200': answer('Triggers', z.object({ triggers: z.array(triggerResponse) })), ...errors(404) } },
      post: {
        summary: 'Add a trigger: a dataset\'s new versions, a webhook, or another pipeline\'s success',
        description:
          'A webhook trigger\'s answer carries its `token`, shown only here (Millrace keeps its hash). A pipeline trigger that would ' +
          `close a loop is refused (400). ${WHO}`,
        parameters: [pipeline],
        requestBody: body(createTriggerSchema),
        responses: { '201': answer('Created', triggerResponse.extend({ token: z.string().optional() })), ...errors(400, 404) },
      },
    },
    '/api/v1/triggers/{id}': {
      get: { summary: 'One trigger', parameters: [nameParam('id', 'Trigger id')], responses: { '200': answer('The trigger', triggerResponse), ...errors(404) } },
      patch: {
        summary: 'Turn a trigger on or off',
        parameters: [nameParam('id', 'Trigger id')],
        requestBody: body(z.object({ enabled: z.boolean() })),
        responses: { '200': answer('The trigger', triggerResponse), ...errors(400, 404) },
      },
      delete: { summary: 'Delete a trigger', parameters: [nameParam('id', 'Trigger id')], responses: { '204': answer('Deleted'), ...errors(404) } },
    },
    '/api/v1/triggers/{id}/rotate': {
      post: {
        summary: 'A new webhook token (the old one stops working at once)',
        parameters: [nameParam('id', 'Trigger id')],
        responses: { '200': answer('The new token, shown once', z.object({ token: z.string() })), ...errors(400, 404) },
      },
    },
    '/api/v1/hooks/{id}': {
      post: {
        summary: 'Call a webhook trigger: start its pipeline',
        description:
          'The token goes in `Authorization: Bearer <token>` or `X-Millrace-Token`. The JSON body is the payload: each mapped ' +
          'parameter takes the value at its JSON pointer (422 when there is none), and the payload is recorded with the run. ' +
          'An `Idempotency-Key` header makes a repeated call answer 200 with the run the first call started.',
        parameters: [nameParam('id', 'Trigger id')],
        requestBody: { required: false, content: { 'application/json': { schema: {} } } },
        responses: {
          '202': answer('Run started', z.object({ runId: z.string().uuid(), existing: z.literal(false) })),
          '200': answer('Same Idempotency-Key as an earlier call: its run', z.object({ runId: z.string().uuid(), existing: z.literal(true) })),
          '401': answer('No token, a wrong token or an unknown webhook'),
          ...errors(409, 415, 422, 503),
        },
      },
    },
  };
}
