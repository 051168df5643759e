import { z } from 'zod';
import { parameterDeclarationSchema } from './parameters';

// The `millrace/v1` pipeline document: what the editor saves, the API accepts and the CLI reads.

export const NODE_ID = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/;
export const PIPELINE_NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;

export const nodeSchema = z.strictObject({
  id: z.string().regex(NODE_ID, 'Node ids start with a letter or "_" and use letters, digits, "-" and "_" (no dots)'),
  type: z.string().min(1).max(200),
  params: z.record(z.string(), z.unknown()).default({}),
  position: z.strictObject({ x: z.number(), y: z.number() }).optional(),
  label: z.string().max(200).optional(),
  notes: z.string().max(10000).optional(),
  /** Overrides of the step type's retry policy and timeout (the catalog's defaults otherwise). */
  retry: z
    .strictObject({
      maximumAttempts: z.number().int('maximumAttempts must be a whole number').min(1, 'maximumAttempts must be at least 1').max(100, 'maximumAttempts is at most 100').optional(),
      initialIntervalSeconds: z.number().min(0.1, 'initialIntervalSeconds must be at least 0.1').max(3600, 'initialIntervalSeconds is at most 3600 (an hour)').optional(),
    })
    .optional(),
  timeoutSeconds: z.number().int('timeoutSeconds must be a whole number').min(1, 'timeoutSeconds must be at least 1').max(7 * 24 * 3600, 'timeoutSeconds is at most 604800 (a week)').optional(),
  /** false: always run this step, never reuse an earlier identical success. */
  cache: z.boolean().optional(),
});

export const edgeSchema = z.strictObject({
  from: z.string().min(3).max(200).describe('node.port'),
  to: z.string().min(3).max(200).describe('node.port'),
});

export const NOTE_COLORS = ['yellow', 'blue', 'green', 'pink'] as const;

/** A free text note on the canvas: read by people only, never by the compiler (nor part of a plan's hash). */
export const canvasNoteSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'Note ids use letters, digits, "-" and "_" (at most 64)'),
  text: z.string().max(10000, 'A note holds at most 10000 characters'),
  position: z.strictObject({ x: z.number(), y: z.number() }),
  size: z
    .strictObject({
      width: z.number().min(80, 'A note is at least 80 wide').max(4000, 'A note is at most 4000 wide'),
      height: z.number().min(40, 'A note is at least 40 high').max(4000, 'A note is at most 4000 high'),
    })
    .optional(),
  color: z.enum(NOTE_COLORS).optional(),
});

// Strict: unknown fields are errors, so nothing is stored that this schema does not describe.
export const pipelineDocumentSchema = z.strictObject({
  apiVersion: z.literal('millrace/v1'),
  name: z
    .string()
    .regex(PIPELINE_NAME, 'Pipeline names use lowercase letters, digits, "-" and "_", starting with a letter or digit'),
  description: z.string().max(10000).optional(),
  /** Typed values each run gets; step parameters refer to them with `{ "$param": name }` (see parameters.ts). */
  parameters: z.array(parameterDeclarationSchema).max(100).optional(),
  nodes: z.array(nodeSchema),
  edges: z.array(edgeSchema).default([]),
  /** Sticky notes on the canvas. */
  notes: z
    .array(canvasNoteSchema)
    .max(500, 'A pipeline holds at most 500 notes')
    .refine((notes) => new Set(notes.map((n) => n.id)).size === notes.length, 'Two notes have the same id')
    .optional(),
});

export type PipelineNode = z.output<typeof nodeSchema>;
export type PipelineEdge = z.output<typeof edgeSchema>;
export type PipelineDocument = z.output<typeof pipelineDocumentSchema>;
export type CanvasNote = z.output<typeof canvasNoteSchema>;
export type PipelineDocumentInput = z.input<typeof pipelineDocumentSchema>;

/** Splits "node.port" at the last dot (node ids contain no dots). */
export function parseEndpoint(ref: string): { node: string; port: string } | undefined {
  const dot = ref.lastIndexOf('.');
  if (dot <= 0 || dot === ref.length - 1) return undefined;
  return { node: ref.slice(0, dot), port: ref.slice(dot + 1) };
}
