import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ingestDatasetFile, listDatasets } from './datasets';
import { listPipelines, savePipeline } from './pipelines';
import { defaultWorkspaceId, withWorkspace } from '../infra/workspace';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The vega-datasets package's data folder (its exports do not list the data files). */
export function vegaDataFile(file: string): string {
  const entry = createRequire(import.meta.url).resolve('vega-datasets');
  return path.join(path.dirname(entry), '..', 'data', file);
}

/** The example pipelines that ship with Millrace, by file in server/examples (each file's name is the pipeline's). */
export const EXAMPLE_PIPELINES = ['penguin-species', 'penguin-features', 'car-mileage', 'penguin-monitor'] as const;

/** On first start: the penguins dataset and the example pipelines. Idempotent; never overwrites user edits. */
/** Seeds the `default` workspace (the launcher calls this outside any request). */
export async function seedExamples(): Promise<{ dataset: boolean; pipelines: string[] }> {
  return withWorkspace(await defaultWorkspaceId(), seedDefault);
}

async function seedDefault(): Promise<{ dataset: boolean; pipelines: string[] }> {
  const seeded = { dataset: false, pipelines: [] as string[] };
  if (!(await listDatasets()).some((d) => d.name === 'penguins')) {
    await ingestDatasetFile({ name: 'penguins', file: vegaDataFile('penguins.json'), format: 'json' });
    seeded.dataset = true;
  }
  const existing = new Set((await listPipelines()).map((p) => p.name));
  for (const name of EXAMPLE_PIPELINES.filter((n) => !existing.has(n))) {
    const doc = JSON.parse(await fs.readFile(path.join(here, '..', 'examples', `${name}.json`), 'utf8'));
    const saved = await savePipeline(doc);
    if (!saved.ok) throw new Error(`The example pipeline "${name}" does not compile: ${saved.errors.map((e) => `${e.nodeId ?? ''} ${e.path ?? ''} ${e.message}`.trim()).join('; ')}`);
    seeded.pipelines.push(name);
  }
  return seeded;
}
