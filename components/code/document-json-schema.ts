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
    then: { properties: { params: { ...s.paramsSchema, description: `Parameters of ${s.title}` } } },
  }));
  return schema;
}
