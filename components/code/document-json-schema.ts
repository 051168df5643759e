import { z } from 'zod';
import { pipelineDocumentSchema } from '../../workflows/core/document';
import { stepsByType } from '../canvas/graph-model';

/**
 * The `millrace/v1` document as JSON Schema, for completion, hover and checks while typing in the code
 * pane: the document's own schema, with each node's `type` one of the catalog's steps and its `params`
 * that step's parameter schema.
 */
export function documentJsonSchema(): Record<string, unknown> {
  const { $schema: _, ...schema } = z.toJSONSchema(pipelineDocumentSchema, { io: 'input', unrepresentable: 'any' }) as unknown as Record<string, unknown> & {
    properties: { nodes: { items: Record<string, unknown> & { properties: Record<string, Record<string, unknown>> } } };
  };
  const node = schema.properties.nodes.items;
  const steps = [...stepsByType.values()];
  node.properties.type = { ...node.properties.type, enum: steps.map((s) => s.type), markdownEnumDescriptions: steps.map((s) => `**${s.title}**: ${s.summary}`) };
  node.allOf = steps.map((s) => ({
    if: { properties: { type: { const: s.type } }, required: ['type'] },
    then: { properties: { params: { ...withParameterReferences(s.paramsSchema), description: `Parameters of ${s.title}` } } },
  }));
  return schema;
}

/** A pipeline parameter in place of a value: `{ "$param": "name" }`. */
const PARAMETER_REFERENCE = {
  type: 'object',
  properties: { $param: { type: 'string', description: "The name of one of the pipeline's parameters: each run's value goes here" } },
  required: ['$param'],
  additionalProperties: false,
};

/** Each parameter may also be a reference to a pipeline parameter. */
function withParameterReferences(params: Record<string, unknown>): Record<string, unknown> {
  const properties = params.properties as Record<string, Record<string, unknown>> | undefined;
  if (!properties) return params;
  return { ...params, properties: Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, { anyOf: [v, PARAMETER_REFERENCE] }])) };
}
