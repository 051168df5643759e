import { and, asc, desc, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import { getDb } from '../../db/client';
import {
  artifactLinks,
  artifacts,
  endpoints,
  modelAliases,
  models,
  modelVersions,
  pipelines,
  pipelineVersions,
  runs,
  runSteps,
} from '../../db/schema';
import { artifactStore } from '../infra/artifact-store';
import type { ModelMeta } from '../infra/fitter';
import { notFound } from '../infra/errors';
import { currentWorkspaceId } from '../infra/workspace';
import { endpointsServingVersion, type EndpointServing } from './model-endpoints';

// The model registry as the models page and API read it: models, their versions, one version in full
// (with its lineage), its ONNX file and a model card.

/** Models are named `<pipeline>.<train node>`. */
export const modelNameSchema = z
  .string()
  .min(1, 'A model name is required')
  .max(300, 'A model name is at most 300 characters')
  .regex(/^[A-Za-z0-9_.-]+$/, 'A model name is letters, digits, "_", "-" and "."');
export const modelVersionRef = z.object({ name: modelNameSchema, version: z.number().int().min(1, 'Model versions start at 1') });

// A version whose train step did not finish successfully is not shown.
const finished = or(isNull(modelVersions.runId), eq(runSteps.status, 'succeeded'));

async function modelRow(name: string) {
  const workspaceId = currentWorkspaceId();
  const [m] = await getDb()
    .select()
    .from(models)
    .where(and(eq(models.workspaceId, workspaceId), eq(models.name, name)));
  if (!m) throw notFound(`Model "${name}"`);
  return m;
}

async function aliasesOf(modelIds: string[]) {
  if (!modelIds.length) return [];
  return getDb()
    .select({ modelId: modelAliases.modelId, alias: modelAliases.alias, version: modelVersions.version })
    .from(modelAliases)
    .innerJoin(modelVersions, eq(modelVersions.id, modelAliases.modelVersionId))
    .where(inArray(modelAliases.modelId, modelIds))
    .orderBy(asc(modelAliases.alias));
}

/** Every model with its newest version and its aliases. */
export async function listRegisteredModels() {
  const workspaceId = currentWorkspaceId();
  const rows = await getDb()
    .select({ id: models.id, name: models.name, v: modelVersions })
    .from(modelVersions)
    .innerJoin(models, eq(models.id, modelVersions.modelId))
    .leftJoin(runSteps, and(eq(runSteps.runId, modelVersions.runId), eq(runSteps.nodeId, modelVersions.nodeId)))
    .where(and(eq(models.workspaceId, workspaceId), finished))
    .orderBy(asc(models.name), desc(modelVersions.version));
  const aliases = await aliasesOf([...new Set(rows.map((r) => r.id))]);
  const out = new Map<string, { name: string; versions: number; latest: ReturnType<typeof versionSummary>; aliases: Record<string, number> }>();
  for (const r of rows) {
    const m = out.get(r.name);
    if (m) m.versions++;
    else out.set(r.name, { name: r.name, versions: 1, latest: versionSummary(r.v), aliases: aliasMap(aliases, r.id) });
  }
  return [...out.values()];
}

function aliasMap(aliases: { modelId: string; alias: string; version: number }[], modelId: string): Record<string, number> {
  return Object.fromEntries(aliases.filter((a) => a.modelId === modelId).map((a) => [a.alias, a.version]));
}

function versionSummary(v: typeof modelVersions.$inferSelect) {
  return {
    version: v.version,
    task: v.task,
    algorithm: v.algorithm,
    target: v.target,
    metrics: (v.metrics ?? null) as Record<string, unknown> | null,
    runId: v.runId,
    createdAt: v.createdAt,
  };
}

/** One model: its versions (newest first) and aliases. */
export async function getRegisteredModel(name: string) {
  const m = await modelRow(name);
  const rows = await getDb()
    .select({ v: modelVersions })
    .from(modelVersions)
    .leftJoin(runSteps, and(eq(runSteps.runId, modelVersions.runId), eq(runSteps.nodeId, modelVersions.nodeId)))
    .where(and(eq(modelVersions.modelId, m.id), finished))
    .orderBy(desc(modelVersions.version));
  const aliases = aliasMap(await aliasesOf([m.id]), m.id);
  return {
    name,
    aliases,
    versions: rows.map((r) => ({
      ...versionSummary(r.v),
      // What a side-by-side comparison sets beside the metrics: how each version was trained, on what.
      params: (r.v.meta as ModelMeta).params ?? {},
      trainingData: (r.v.meta as ModelMeta).trainingData ?? [],
      aliases: Object.entries(aliases)
        .filter(([, v]) => v === r.v.version)
        .map(([a]) => a),
    })),
  };
}

async function versionRow(name: string, version: number) {
  const m = await modelRow(name);
  const [row] = await getDb()
    .select({ v: modelVersions, sizeBytes: artifacts.sizeBytes })
    .from(modelVersions)
    .innerJoin(artifacts, eq(artifacts.hash, modelVersions.artifactHash))
    .where(and(eq(modelVersions.modelId, m.id), eq(modelVersions.version, version)));
  if (!row) throw notFound(`Version ${version} of model "${name}"`);
  return { model: m, v: row.v, meta: row.v.meta as ModelMeta, sizeBytes: row.sizeBytes };
}

export interface LineageNode {
  id: string;
  kind: 'dataset' | 'step' | 'model' | 'endpoint';
  label: string;
  /** dataset: name and version; step: type and status; model: name and version; endpoint: name. */
  dataset?: { name: string; version: number };
  step?: { nodeId: string; type: string; status: string };
  model?: { name: string; version: number };
  endpoint?: string;
  /** endpoint: the slots serving the model version now, and those that served it before. */
  slots?: Pick<EndpointServing, 'current' | 'past'>;
}
export interface LineageEdge {
  source: string;
  target: string;
}

/** One version in full: what it is, what made it, what it was made from and what serves it. */
export async function getRegisteredModelVersion(name: string, version: number) {
  const { model, v, meta, sizeBytes } = await versionRow(name, version);
  const db = getDb();
  const [run] = v.runId
    ? await db
        .select({ id: runs.id, status: runs.status, pipeline: pipelines.name, pipelineVersion: pipelineVersions.version, createdAt: runs.createdAt })
        .from(runs)
        .innerJoin(pipelineVersions, eq(pipelineVersions.id, runs.pipelineVersionId))
        .innerJoin(pipelines, eq(pipelines.id, pipelineVersions.pipelineId))
        .where(eq(runs.id, v.runId))
    : [];
  const serving = await db
    .select({ name: endpoints.name, updatedAt: endpoints.updatedAt })
    .from(endpoints)
    .where(eq(endpoints.modelVersionId, v.id))
    .orderBy(asc(endpoints.name));
  const servedBy = await endpointsServingVersion(v.id);
  const aliases = Object.entries(aliasMap(await aliasesOf([model.id]), model.id))
    .filter(([, n]) => n === version)
    .map(([a]) => a);
  return {
    name,
    version,
    task: v.task,
    algorithm: v.algorithm,
    target: v.target,
    metrics: (v.metrics ?? null) as Record<string, unknown> | null,
    params: meta.params,
    features: meta.features.map((f) => ({ name: f.name, type: f.type, ...(f.categories ? { categories: f.categories } : {}) })),
    classes: meta.classes,
    importances: meta.importances,
    rowsUsed: meta.rowsUsed,
    trainingData: meta.trainingData ?? [],
    run: run ?? null,
    nodeId: v.nodeId,
    endpoints: serving,
    /** Every endpoint whose production or staging slot serves the version, or once did. */
    servedBy,
    aliases,
    onnx: { sizeBytes, sha256: v.artifactHash },
    createdAt: v.createdAt,
    lineage: await lineageOf({ name, version, runId: v.runId, nodeId: v.nodeId, trainingData: meta.trainingData ?? [], endpoints: servedBy }),
  };
}

/**
 * dataset versions → the steps of the producing run upstream of the train step → the model version →
 * the endpoints serving it or that served it before. Steps are linked where one's output artifact is another's input.
 */
async function lineageOf(x: {
  name: string;
  version: number;
  runId: string | null;
  nodeId: string | null;
  trainingData: { dataset: string; version: number }[];
  endpoints: EndpointServing[];
}): Promise<{ nodes: LineageNode[]; edges: LineageEdge[] }> {
  const modelId = `model:${x.name}@${x.version}`;
  const nodes: LineageNode[] = [{ id: modelId, kind: 'model', label: `${x.name} v${x.version}`, model: { name: x.name, version: x.version } }];
  const edges: LineageEdge[] = [];
  const datasetNode = (d: { dataset: string; version: number }) => {
    const id = `dataset:${d.dataset}@${d.version}`;
    if (!nodes.some((n) => n.id === id)) nodes.push({ id, kind: 'dataset', label: `${d.dataset} v${d.version}`, dataset: { name: d.dataset, version: d.version } });
    return id;
  };
  if (x.runId && x.nodeId) {
    const runId = x.runId;
    const [links, steps] = await Promise.all([
      getDb().select().from(artifactLinks).where(eq(artifactLinks.runId, runId)),
      getDb().select({ nodeId: runSteps.nodeId, type: runSteps.type, status: runSteps.status, summary: runSteps.summary }).from(runSteps).where(eq(runSteps.runId, runId)),
    ]);
    const producers = new Map<string, Set<string>>();
    for (const l of links) if (l.role === 'output') (producers.get(l.artifactHash) ?? producers.set(l.artifactHash, new Set()).get(l.artifactHash)!).add(l.nodeId);
    // Walk upstream from the train step.
    const upstream = new Set<string>([x.nodeId]);
    const queue = [x.nodeId];
    while (queue.length) {
      const node = queue.shift()!;
      for (const l of links) {
        if (l.nodeId !== node || l.role !== 'input') continue;
        for (const p of producers.get(l.artifactHash) ?? []) {
          if (p !== node) edges.push({ source: `step:${p}`, target: `step:${node}` });
          if (!upstream.has(p)) {
            upstream.add(p);
            queue.push(p);
          }
        }
      }
    }
    for (const s of steps) {
      if (!upstream.has(s.nodeId)) continue;
      nodes.push({ id: `step:${s.nodeId}`, kind: 'step', label: `${s.nodeId} (${s.type})`, step: { nodeId: s.nodeId, type: s.type, status: s.status } });
      const summary = (s.summary ?? {}) as Record<string, unknown>;
      if (typeof summary.dataset === 'string' && typeof summary.version === 'number') {
        edges.push({ source: datasetNode({ dataset: summary.dataset, version: summary.version }), target: `step:${s.nodeId}` });
      }
    }
    edges.push({ source: `step:${x.nodeId}`, target: modelId });
  } else {
    for (const d of x.trainingData) edges.push({ source: datasetNode(d), target: modelId });
  }
  for (const e of x.endpoints) {
    nodes.push({ id: `endpoint:${e.endpoint}`, kind: 'endpoint', label: e.endpoint, endpoint: e.endpoint, slots: { current: e.current, past: e.past } });
    edges.push({ source: modelId, target: `endpoint:${e.endpoint}` });
  }
  const seen = new Set<string>();
  return { nodes, edges: edges.filter((e) => !seen.has(`${e.source}>${e.target}`) && seen.add(`${e.source}>${e.target}`)) };
}

/** The version's ONNX file on disk and a file name for the download. */
export async function modelOnnxFile(name: string, version: number) {
  const { v, sizeBytes } = await versionRow(name, version);
  return { path: await artifactStore().localPath(v.artifactHash), fileName: `${name}-v${version}.onnx`, sizeBytes };
}

const cell = (x: unknown) => String(typeof x === 'number' ? Number(x.toPrecision(6)) : JSON.stringify(x)).replaceAll('|', '\\|');

/** A markdown model card: what the model predicts from what, how well, and where it came from. */
export async function modelCard(name: string, version: number): Promise<string> {
  const d = await getRegisteredModelVersion(name, version);
  const lines = [
    `# ${name} — version ${version}`,
    '',
    `- Task: ${d.task}${d.target ? ` of \`${d.target}\`` : ''}`,
    `- Algorithm: ${d.algorithm}`,
    `- Trained on ${d.rowsUsed} rows${d.trainingData.length ? ` of ${d.trainingData.map((t) => `${t.dataset} v${t.version}`).join(', ')}` : ''}`,
    d.run ? `- Produced by run ${d.run.id} of pipeline ${d.run.pipeline} v${d.run.pipelineVersion}, step \`${d.nodeId}\`` : '- Not produced by a run',
    `- Created: ${d.createdAt.toISOString()}`,
    ...(d.aliases.length ? [`- Aliases: ${d.aliases.join(', ')}`] : []),
    ...(d.servedBy.some((e) => e.current.length)
      ? [`- Served by: ${d.servedBy.filter((e) => e.current.length).map((e) => `${e.endpoint} (${e.current.join(', ')})`).join(', ')}`]
      : []),
    ...(d.servedBy.some((e) => e.past.length)
      ? [`- Served before by: ${d.servedBy.filter((e) => e.past.length).map((e) => `${e.endpoint} (${e.past.join(', ')})`).join(', ')}`]
      : []),
    `- ONNX file: ${d.onnx.sizeBytes} bytes, sha256 \`${d.onnx.sha256}\``,
    '',
    '## Metrics',
    '',
    ...(d.metrics && Object.keys(d.metrics).length
      ? ['| Metric | Value |', '| --- | --- |', ...Object.entries(d.metrics).map(([k, x]) => `| ${k} | ${cell(x)} |`)]
      : ['No metrics were recorded.']),
    '',
    '## Features (ONNX inputs, in order)',
    '',
    '| Feature | Type |',
    '| --- | --- |',
    ...d.features.map((f) => `| ${f.name} | ${f.type} |`),
    ...(d.classes ? ['', '## Classes', '', d.classes.map((c) => `\`${c}\``).join(', ')] : []),
    '',
    '## Parameters',
    '',
    ...(Object.keys(d.params).length
      ? ['| Parameter | Value |', '| --- | --- |', ...Object.entries(d.params).map(([k, x]) => `| ${k} | ${cell(x)} |`)]
      : ['Library defaults.']),
    '',
  ];
  return lines.join('\n');
}

/** The model versions trained on a dataset version (lineage read the other way), as the models page lists them. */
export async function modelsTrainedOn(dataset: string, version: number) {
  const workspaceId = currentWorkspaceId();
  const rows = await getDb()
    .select({ name: models.name, version: modelVersions.version, createdAt: modelVersions.createdAt })
    .from(modelVersions)
    .innerJoin(models, eq(models.id, modelVersions.modelId))
    .leftJoin(runSteps, and(eq(runSteps.runId, modelVersions.runId), eq(runSteps.nodeId, modelVersions.nodeId)))
    .where(and(eq(models.workspaceId, workspaceId), finished, sql`${modelVersions.meta} -> 'trainingData' @> ${JSON.stringify([{ dataset, version }])}::jsonb`))
    .orderBy(desc(modelVersions.createdAt))
    .limit(100);
  return rows;
}
