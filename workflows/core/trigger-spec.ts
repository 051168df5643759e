import { z } from 'zod';

// What a trigger is, as the form, the REST API and the service speak of it (isomorphic).

export const TRIGGER_KINDS = ['dataset', 'webhook', 'pipeline'] as const;
export type TriggerKind = (typeof TRIGGER_KINDS)[number];

const params = z.record(z.string(), z.unknown()).default({}).describe('Fixed values for the pipeline\'s parameters');
const note = z.string().max(1000).optional();
const paramName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, 'A parameter name is letters, digits and "_"');
/** RFC 6901: "" is the whole document, else "/"-separated tokens with ~0 for "~" and ~1 for "/". */
export const jsonPointer = z.string().regex(/^(\/([^~/]|~[01])*)*$/, 'A JSON pointer is "" or starts with "/" (e.g. "/data/threshold")');

export const createTriggerSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('dataset'),
    dataset: z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,62}$/, 'Not a dataset name'),
    /** The pipeline starts once no new version arrived for this long (0: at once). */
    debounceSeconds: z.number().int().min(0).max(7 * 86400).default(60),
    params,
    note,
  }),
  z.strictObject({
    kind: z.literal('webhook'),
    /** Pipeline parameter → where its value is in the posted JSON. */
    paramPointers: z.record(paramName, jsonPointer).default({}),
    params,
    note,
  }),
  z.strictObject({
    kind: z.literal('pipeline'),
    /** This pipeline starts after each successful run of that one. */
    afterPipeline: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'Not a pipeline name'),
    params,
    note,
  }),
]);
export type CreateTriggerInput = z.input<typeof createTriggerSchema>;

/** The value at a JSON pointer, or `found: false`. */
export function resolvePointer(doc: unknown, pointer: string): { found: true; value: unknown } | { found: false } {
  if (pointer === '') return { found: true, value: doc };
  let at: unknown = doc;
  for (const raw of pointer.slice(1).split('/')) {
    const token = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(at) && /^(0|[1-9]\d*)$/.test(token) && Number(token) < at.length) at = at[Number(token)];
    else if (at !== null && typeof at === 'object' && !Array.isArray(at) && Object.hasOwn(at, token)) at = (at as Record<string, unknown>)[token];
    else return { found: false };
  }
  return { found: true, value: at };
}

export const hookPathOf = (triggerId: string) => `/api/v1/hooks/${triggerId}`;
