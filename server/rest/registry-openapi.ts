import { z } from 'zod';
import { columnStatsFields, intQuery, previewPageFields, tableColumn } from './table-openapi';
import { MODEL_ALIASES } from '../../workflows/core/model-aliases';
import { moveAliasBody } from '../services/model-aliases';
import { setLatestBody } from '../services/dataset-versions';

// The OpenAPI entries of the model registry and dataset versions (spread into server/rest/openapi.ts).

interface Helpers {
  body: (s: z.ZodType) => unknown;
  answer: (description: string, s?: z.ZodType) => unknown;
  errors: (...codes: number[]) => Record<string, unknown>;
  nameParam: (name: string, description: string) => unknown;
}

const metrics = z.record(z.string(), z.unknown()).nullable();
const versionSummary = z.object({
  version: z.number().int(),
  task: z.enum(['classification', 'regression', 'clustering']),
  algorithm: z.string(),
  target: z.string(),
  metrics,
  runId: z.string().nullable(),
  createdAt: z.string(),
});
// Partial: a model has only the aliases that were set.
const aliases = z.partialRecord(z.enum(MODEL_ALIASES), z.number().int()).describe('alias → version');
const column = tableColumn;
const slot = z.enum(['production', 'staging']);
const lineageNode = z.object({
  id: z.string(),
  kind: z.enum(['dataset', 'step', 'model', 'endpoint']),
  label: z.string(),
  dataset: z.object({ name: z.string(), version: z.number().int() }).optional(),
  step: z.object({ nodeId: z.string(), type: z.string(), status: z.string() }).optional(),
  model: z.object({ name: z.string(), version: z.number().int() }).optional(),
  endpoint: z.string().optional(),
  slots: z.object({ current: z.array(slot), past: z.array(slot) }).optional().describe('endpoint: the slots serving the version now, and those that served it before'),
});

export const modelListResponse = z.object({
  models: z.array(z.object({ name: z.string(), versions: z.number().int(), latest: versionSummary, aliases })),
});
const trainingData = z.array(z.object({ dataset: z.string(), version: z.number().int() }));
export const modelResponse = z.object({
  name: z.string(),
  aliases,
  versions: z.array(
    versionSummary.extend({
      params: z.record(z.string(), z.unknown()).describe('The training parameters'),
      trainingData: trainingData.describe('The dataset versions it trained on'),
      aliases: z.array(z.enum(MODEL_ALIASES)),
    }),
  ),
});
export const modelVersionResponse = versionSummary.omit({ runId: true }).extend({
  name: z.string(),
  params: z.record(z.string(), z.unknown()),
  features: z.array(z.object({ name: z.string(), type: z.enum(['number', 'string']), categories: z.array(z.string()).optional() })),
  classes: z.array(z.string()).nullable(),
  importances: z.array(z.object({ feature: z.string(), importance: z.number() })).nullable(),
  rowsUsed: z.number().int(),
  trainingData: z.array(z.object({ dataset: z.string(), version: z.number().int() })),
  run: z.object({ id: z.string(), status: z.string(), pipeline: z.string(), pipelineVersion: z.number().int(), createdAt: z.string() }).nullable(),
  nodeId: z.string().nullable(),
  endpoints: z.array(z.object({ name: z.string(), updatedAt: z.string() })).describe('The endpoints whose production slot serves the version'),
  servedBy: z
    .array(z.object({ endpoint: z.string(), current: z.array(slot), past: z.array(slot) }))
    .describe('Every endpoint whose production or staging slot serves the version now (`current`) or served it before (`past`)'),
  aliases: z.array(z.enum(MODEL_ALIASES)),
  onnx: z.object({ sizeBytes: z.number().int(), sha256: z.string() }),
  lineage: z.object({ nodes: z.array(lineageNode), edges: z.array(z.object({ source: z.string(), target: z.string() })) }),
});
const aliasMoveResponse = z.object({ name: z.string(), alias: z.enum(MODEL_ALIASES), version: z.number().int(), changed: z.boolean() });
const aliasHistoryResponse = z.object({
  name: z.string(),
  events: z.array(
    z.object({ id: z.number().int(), alias: z.enum(MODEL_ALIASES), from: z.number().int().nullable(), to: z.number().int(), actor: z.string(), at: z.string() }),
  ),
});
const datasetVersionsResponse = z.object({
  name: z.string(),
  latestVersion: z.number().int(),
  versions: z.array(z.object({ version: z.number().int(), rows: z.number().int(), columns: z.array(column), sourceFormat: z.string(), latest: z.boolean(), createdAt: z.string() })),
});
const previewResponse = z.object({ name: z.string(), version: z.number().int(), ...previewPageFields });
const statsResponse = z.object({ name: z.string(), version: z.number().int(), ...columnStatsFields });

export function registryPaths({ body, answer, errors, nameParam }: Helpers) {
  const model = nameParam('name', 'Model name (`<pipeline>.<train node>`)');
  const modelVersion = nameParam('version', 'Model version (from 1)');
  const dataset = nameParam('name', 'Dataset name');
  const datasetVersion = nameParam('version', 'Dataset version (from 1)');
  return {
    '/api/v1/models': {
      get: { summary: 'Every model with its newest version and aliases', responses: { '200': answer('Models', modelListResponse), ...errors(503) } },
    },
    '/api/v1/models/{name}': {
      get: { summary: 'A model’s versions (newest first) and aliases', parameters: [model], responses: { '200': answer('The model', modelResponse), ...errors(400, 404, 503) } },
    },
    '/api/v1/models/{name}/versions/{version}': {
      get: {
        summary: 'One model version in full',
        description: 'Metrics, parameters, feature schema, the dataset versions it trained on, the run and pipeline version that produced it, the endpoints serving it or that served it before, its aliases and its lineage graph.',
        parameters: [model, modelVersion],
        responses: { '200': answer('The model version', modelVersionResponse), ...errors(400, 404, 503) },
      },
    },
    '/api/v1/models/{name}/versions/{version}/onnx': {
      get: {
        summary: 'Download the version’s ONNX file',
        parameters: [model, modelVersion],
        responses: { '200': { description: 'The ONNX file', content: { 'application/onnx': { schema: { type: 'string', format: 'binary' } } } }, ...errors(400, 404, 503) },
      },
    },
    '/api/v1/models/{name}/versions/{version}/card': {
      get: {
        summary: 'Download a markdown model card of the version',
        parameters: [model, modelVersion],
        responses: { '200': { description: 'The model card', content: { 'text/markdown': { schema: { type: 'string' } } } }, ...errors(400, 404, 503) },
      },
    },
    '/api/v1/models/{name}/aliases': {
      get: {
        summary: 'Every move of the model’s aliases, newest first',
        parameters: [model, intQuery('before', 'Only events with a smaller id (paging back)'), intQuery('limit', '1 to 200 (default 50)')],
        responses: { '200': answer('Alias moves', aliasHistoryResponse), ...errors(400, 404, 503) },
      },
    },
    '/api/v1/models/{name}/aliases/{alias}': {
      put: {
        summary: 'Point an alias (staging, production, archived) at a version',
        description: 'Recorded in the alias history as moved by the caller (needs the deployer role). Naming the version it already names changes nothing (`changed: false`).',
        parameters: [model, nameParam('alias', MODEL_ALIASES.join(', '))],
        requestBody: body(moveAliasBody),
        responses: { '200': answer('The alias', aliasMoveResponse), ...errors(400, 404, 415, 503) },
      },
    },
    '/api/v1/datasets/{name}/versions': {
      get: { summary: 'Every version of a dataset and which one "latest" means', parameters: [dataset], responses: { '200': answer('Versions', datasetVersionsResponse), ...errors(400, 404, 503) } },
    },
    '/api/v1/datasets/{name}/versions/{version}/preview': {
      get: {
        summary: 'A page of a version’s rows, in file order',
        parameters: [dataset, datasetVersion, intQuery('offset', 'Rows to skip (default 0)'), intQuery('limit', 'Rows, 1 to 500 (default 100)')],
        responses: { '200': answer('Rows', previewResponse), ...errors(400, 404, 503) },
      },
    },
    '/api/v1/datasets/{name}/versions/{version}/stats': {
      get: {
        summary: 'Per-column statistics of a version (nulls, distinct, min, max, histogram), computed by DuckDB',
        parameters: [dataset, datasetVersion],
        responses: { '200': answer('Statistics', statsResponse), ...errors(400, 404, 503) },
      },
    },
    '/api/v1/datasets/{name}/latest': {
      post: {
        summary: 'Set what "latest" means back to an existing version',
        description: 'Runs that load the dataset without a version get this one. The next upload of new bytes is "latest" again.',
        parameters: [dataset],
        requestBody: body(setLatestBody),
        responses: { '200': answer('The new latest', z.object({ name: z.string(), latestVersion: z.number().int() })), ...errors(400, 404, 415, 503) },
      },
    },
  };
}
