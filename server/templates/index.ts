import type { PipelineDocument } from '../../workflows/core/document';
import classification from './classification.json';
import clustering from './clustering.json';
import featureEngineering from './feature-engineering.json';
import regression from './regression.json';

// Starting points for a new pipeline: documents on the example datasets of ingest.sample, so each runs on a
// fresh installation without an upload. A template's `name` is replaced by the name the person chooses, and
// its deploy step's endpoint too: an endpoint belongs to the pipeline that first deployed to it, so two
// pipelines from one template must not share one.

export interface PipelineTemplate {
  id: string;
  title: string;
  /** One line for the card; the document's description says more. */
  summary: string;
  document: PipelineDocument;
}

export const PIPELINE_TEMPLATES: readonly PipelineTemplate[] = [
  {
    id: 'classification',
    title: 'Classification with gate and deploy',
    summary: 'Random forest on penguins; deploys if accuracy ≥ 0.9.',
    document: classification as PipelineDocument,
  },
  {
    id: 'regression',
    title: 'Regression',
    summary: 'Gradient boosting predicts cars’ mileage; deploys if R² ≥ 0.7.',
    document: regression as PipelineDocument,
  },
  {
    id: 'feature-engineering',
    title: 'Feature engineering',
    summary: 'Derive, select and scale weather features, then classify.',
    document: featureEngineering as PipelineDocument,
  },
  {
    id: 'clustering',
    title: 'Clustering',
    summary: 'K-means groups penguins by their measurements, no labels.',
    document: clustering as PipelineDocument,
  },
];

/** The templates for the new-pipeline dialog: each with its steps' ids and types (for a small picture of it). */
export function listTemplates() {
  return PIPELINE_TEMPLATES.map((t) => ({
    id: t.id,
    title: t.title,
    summary: t.summary,
    description: t.document.description,
    steps: t.document.nodes.map((n) => ({ id: n.id, type: n.type, position: n.position })),
    edges: t.document.edges.map((e) => ({ from: e.from.split('.')[0]!, to: e.to.split('.')[0]! })),
  }));
}

/** A template's document under the chosen pipeline name, deploying (if it does) to an endpoint of that name. */
export function templateDocument(id: string, name: string): PipelineDocument | undefined {
  const t = PIPELINE_TEMPLATES.find((x) => x.id === id);
  if (!t) return undefined;
  const doc = structuredClone(t.document);
  for (const node of doc.nodes) if (node.type === 'deploy.endpoint' && node.params) node.params.endpoint = name;
  return { ...doc, name };
}
