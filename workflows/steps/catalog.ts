import { z } from 'zod';
import { CATEGORIES, type PortSpec, type StepDefinition } from '../core/step';
import * as definitions from './definitions';

export * from '../core/step';

export type Catalog = Readonly<Record<string, StepDefinition>>;

/** Every step type, keyed by type name, built from ./definitions.ts (one line per step folder). */
export const catalog: Catalog = Object.freeze(
  Object.fromEntries(Object.values(definitions).map((d) => [d.type, d as unknown as StepDefinition])),
);

export interface StepManifest {
  type: string;
  category: string;
  title: string;
  summary: string;
  help: string;
  inputs: Record<string, PortSpec>;
  outputs: Record<string, PortSpec>;
  /** JSON Schema of the parameters (input side: defaults optional), with widget hints. */
  paramsSchema: Record<string, unknown>;
  /** Defaults a node may override (its advanced settings). */
  retry: { maximumAttempts: number; initialIntervalSeconds: number };
  timeoutSeconds: number;
  /** Whether the step cache may apply (for some steps, depending on the parameters). */
  cacheable: boolean;
}

/** The catalog as plain data, for the palette, the inspector form, the docs and the REST API. */
export function catalogManifest(cat: Catalog = catalog): { categories: typeof CATEGORIES; steps: StepManifest[] } {
  return {
    categories: CATEGORIES,
    steps: Object.values(cat).map((d) => ({
      type: d.type,
      category: d.category,
      title: d.title,
      summary: d.summary,
      help: d.help,
      inputs: d.inputs,
      outputs: d.outputs,
      paramsSchema: z.toJSONSchema(d.params, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>,
      retry: d.retry,
      timeoutSeconds: d.timeoutSeconds,
      cacheable: d.cacheable || Boolean(d.cacheableWith),
    })),
  };
}
