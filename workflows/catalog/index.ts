import { z } from 'zod';
import { CATEGORIES, type PortSpec, type StepDefinition } from './define';
import { ingestDataset } from './ingest';
import { prepareSplit } from './prepare';
import { trainLinearRegression, trainLogisticRegression, trainRandomForest } from './train';
import { validateEvaluate, validateGate } from './validate';
import { deployEndpoint } from './deploy';

export * from './define';

/** Every step type Millrace knows, keyed by type name. Adding a step: one entry here plus one implementation. */
export const catalog = {
  'ingest.dataset': ingestDataset,
  'prepare.split': prepareSplit,
  'train.random_forest': trainRandomForest,
  'train.linear_regression': trainLinearRegression,
  'train.logistic_regression': trainLogisticRegression,
  'validate.evaluate': validateEvaluate,
  'validate.gate': validateGate,
  'deploy.endpoint': deployEndpoint,
} as const;

export type Catalog = Readonly<Record<string, StepDefinition>>;
export type StepType = keyof typeof catalog;

export function isStepType(type: string): type is StepType {
  return Object.hasOwn(catalog, type);
}

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
    })),
  };
}
