import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ingestDatasetFile, listDatasets } from './datasets';
import { listPipelines, savePipeline } from './pipelines';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The vega-datasets package's data folder (its exports do not list the data files). */
export function vegaDataFile(file: string): string {
  const entry = createRequire(import.meta.url).resolve('vega-datasets');
  return path.join(path.dirname(entry), '..', 'data', file);
}

/** On first start: the penguins dataset and the example pipeline. Idempotent; never overwrites user edits. */
export async function seedExamples(): Promise<{ dataset: boolean; pipeline: boolean }> {
  const seeded = { dataset: false, pipeline: false };
  if (!(await listDatasets()).some((d) => d.name === 'penguins')) {
    await ingestDatasetFile({ name: 'penguins', file: vegaDataFile('penguins.json'), format: 'json' });
    seeded.dataset = true;
  }
  if (!(await listPipelines()).some((p) => p.name === 'penguin-species')) {
    const doc = JSON.parse(await fs.readFile(path.join(here, '..', 'examples', 'penguin-species.json'), 'utf8'));
    const saved = await savePipeline(doc);
    if (!saved.ok) throw new Error(`The example pipeline does not compile: ${saved.errors.map((e) => e.message).join('; ')}`);
    seeded.pipeline = true;
  }
  return seeded;
}
