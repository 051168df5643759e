import { describe, expect, it } from 'vitest';
import { compilePipeline } from '../../workflows/core/compiler';
import type { SqlDescription } from '../../workflows/core/sql';
import { describeSqlBatch } from '../../server/infra/sql-descriptions';
import { catalog } from '../../workflows/steps/catalog';
import { PIPELINE_TEMPLATES, listTemplates, templateDocument } from '../../server/templates';

describe('pipeline templates', () => {
  // As the server compiles (server/infra/pipeline-store.ts): SQL expressions described by DuckDB, so every column is checked.
  it.each(PIPELINE_TEMPLATES.map((t) => [t.id, t] as const))('%s compiles, every column checked, without any dataset uploaded', async (_id, t) => {
    const answers = new Map<string, SqlDescription>();
    const compile = () => compilePipeline({ ...t.document, name: 'from-template' }, catalog, { sql: (key) => answers.get(key) });
    let result = compile();
    while (result.pendingSql.length > 0) {
      for (const [key, answer] of await describeSqlBatch(result.pendingSql)) answers.set(key, answer);
      result = compile();
    }
    expect(result.ok ? [] : result.errors).toEqual([]);
    // Every step's columns are known at design time: the example datasets' schemas are part of the catalog.
    expect(result.ok && result.plan.steps.length).toBe(t.document.nodes.length);
    expect(result.warnings).toEqual([]);
  });

  it('offers classification with gate and deploy, regression and feature engineering', () => {
    const types = (id: string) => PIPELINE_TEMPLATES.find((t) => t.id === id)?.document.nodes.map((n) => n.type) ?? [];
    expect(types('classification')).toEqual(expect.arrayContaining(['validate.gate', 'deploy.endpoint']));
    expect(types('regression')).toContain('validate.evaluate');
    expect(types('feature-engineering')).toEqual(expect.arrayContaining(['prepare.derive', 'prepare.scale']));
    for (const t of PIPELINE_TEMPLATES) expect(t.document.nodes.every((n) => n.type === 'ingest.sample' || !n.type.startsWith('ingest.'))).toBe(true);
  });

  it('gives a template the chosen name, for the pipeline and its endpoint, without changing the template', () => {
    const doc = templateDocument('classification', 'my-pipe');
    expect(doc?.name).toBe('my-pipe');
    // Its own endpoint: another pipeline from the same template deploys elsewhere.
    expect(doc?.nodes.find((n) => n.id === 'ship')?.params).toEqual({ endpoint: 'my-pipe' });
    expect(PIPELINE_TEMPLATES[0]!.document.nodes.find((n) => n.id === 'ship')?.params).toEqual({ endpoint: 'species-classifier' });
    expect(PIPELINE_TEMPLATES[0]!.document.name).toBe('classification');
    doc!.nodes.pop();
    expect(PIPELINE_TEMPLATES[0]!.document.nodes).toHaveLength(6);
    expect(templateDocument('nope', 'x')).toBeUndefined();
    expect(listTemplates().map((t) => t.id)).toEqual(PIPELINE_TEMPLATES.map((t) => t.id));
  });
});
