import fs from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import postgres from 'postgres';
import { describe, expect, inject, it } from 'vitest';
import { compilePipeline, makeDatasetLookup } from '../../workflows/core/compiler';
import type { PipelineWorkflowInput, RunProgress } from '../../workflows/core/plan';
import { catalog } from '../../workflows/steps/catalog';
import { http as request } from '../support/http';

const example = JSON.parse(await fs.readFile(path.resolve('server/examples/penguin-species.json'), 'utf8'));

/** PUT with a body streamed in chunks and no Content-Length, as a client that does not announce its size. */
function putStreamed(pathname: string, chunks: Iterable<string>): Promise<{ status: number; body: string }> {
  const url = new URL(pathname, inject('baseUrl'));
  return new Promise((resolve, reject) => {
    // Routes take tokens: the admin's, as every other request here sends.
    const req = http.request(url, { method: 'PUT', headers: { 'content-type': 'application/json', authorization: `Bearer ${inject('tokens').admin}` } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', (err) => ((err as NodeJS.ErrnoException).code === 'EPIPE' || (err as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(err)));
    (async () => {
      for (const c of chunks) if (!req.write(c)) await new Promise((r) => req.once('drain', r));
      req.end();
    })().catch(reject);
  });
}

describe('documents a client sends', () => {
  it('refuses a body over the size limit with 413, even without a Content-Length', async () => {
    const big = `{"apiVersion":"millrace/v1","name":"big","nodes":[],"edges":[],"junk":"${'x'.repeat(6 * 1024 * 1024)}"}`;
    const res = await request('PUT', '/api/v1/pipelines/big', big);
    expect(res.status).toBe(413);
    const streamed = await putStreamed('/api/v1/pipelines/big', (function* () {
      yield '{"apiVersion":"millrace/v1","name":"big","junk":"';
      for (let i = 0; i < 60; i++) yield 'y'.repeat(1024 * 1024);
      yield '"}';
    })());
    expect(streamed.status).toBe(413);
    expect(JSON.parse(streamed.body).error).toMatch(/larger than \d+ bytes/);
  });

  it('refuses deep nesting with 422 instead of overflowing the stack', async () => {
    const deep = `{"apiVersion":"millrace/v1","name":"deep","nodes":[{"id":"a","type":"validate.gate","params":{"rules":${'['.repeat(50_000)}${']'.repeat(50_000)}}}]}`;
    const res = await request('PUT', '/api/v1/pipelines/deep', deep);
    expect(res.status).toBe(422);
    expect(res.data.error).toMatch(/nested deeper than \d+ levels/);
    // The UI's API too.
    const trpc = await request('POST', '/api/trpc/pipelines.save', `{"json":{"document":${'['.repeat(50_000)}${']'.repeat(50_000)}}}`);
    expect(trpc.status).toBe(422);
    expect((await request('GET', '/api/health')).status).toBe(200);
  });

  it('compiles a 10,000-node cyclic document and names the cycle', async () => {
    const n = 10_000;
    const doc = {
      apiVersion: 'millrace/v1',
      name: 'cyclic',
      nodes: Array.from({ length: n }, (_, i) => ({ id: `s${i}`, type: 'prepare.split' })),
      edges: Array.from({ length: n }, (_, i) => ({ from: `s${i}.train`, to: `s${(i + 1) % n}.table` })),
    };
    const res = await request('PUT', '/api/v1/pipelines/cyclic', doc);
    expect(res.status).toBe(422);
    expect(res.data.errors).toHaveLength(n);
    expect(res.data.errors[0]).toMatchObject({ code: 'cycle', nodeId: 's0' });
  });

  it('stores only what the schema describes: unknown fields are refused, not kept', async () => {
    const doc = { ...structuredClone(example), name: 'extra-field', extra: 'x'.repeat(1000) };
    const refused = await request('PUT', '/api/v1/pipelines/extra-field', doc);
    expect(refused.status).toBe(422);
    expect(refused.data.errors).toEqual([expect.objectContaining({ path: 'extra', message: 'Unknown field "extra"' })]);
    expect((await request('GET', '/api/v1/pipelines/extra-field')).status).toBe(404);
  });
});

describe('schemas at run time', () => {
  it('fails a step whose real output differs from the schema in the plan, saying what differs', async () => {
    const dataset = await request('GET', '/api/v1/datasets/penguins');
    expect(dataset.status).toBe(200);
    const datasets = makeDatasetLookup([{ name: 'penguins', version: dataset.data.version, columns: dataset.data.columns }]);
    const compiled = compilePipeline(example, catalog, { datasets, mode: 'run' });
    expect(compiled.ok).toBe(true);
    if (!compiled.ok) return;
    // Keep load → split and promise a column type the data does not have.
    const steps = compiled.plan.steps.filter((s) => s.id === 'load' || s.id === 'split');
    const split = steps.find((s) => s.id === 'split')!;
    const mass = split.outputSchemas!.train!.find((c) => c.name === 'Body Mass (g)')!;
    expect(mass.type).not.toBe('VARCHAR');
    split.outputSchemas = Object.fromEntries(
      Object.entries(split.outputSchemas!).map(([port, cols]) => [port, cols.map((c) => (c.name === mass.name ? { ...c, type: 'VARCHAR' } : c))]),
    );
    // A real run record for the steps to report into, as startRun would make.
    const doc = { ...structuredClone(example), name: 'schema-drift' };
    expect((await request('PUT', '/api/v1/pipelines/schema-drift', doc)).status).toBe(200);
    const runId = crypto.randomUUID();
    const sql = postgres(inject('databaseUrl'), { max: 1 });
    try {
      const [pv] = await sql`select v.id, p.workspace_id from pipeline_versions v join pipelines p on p.id = v.pipeline_id where p.name = 'schema-drift'`;
      await sql`insert into runs (id, workspace_id, pipeline_version_id, status, workflow_id) values (${runId}, ${pv!.workspace_id}, ${pv!.id}, 'queued', ${`schema-drift-${runId}`})`;
      for (const s of steps) await sql`insert into run_steps (run_id, node_id, type, status) values (${runId}, ${s.id}, ${s.type}, 'pending')`;
    } finally {
      await sql.end();
    }
    const queue = inject('taskQueue');
    const input: PipelineWorkflowInput = {
      runId,
      pipeline: 'schema-drift',
      plan: { ...compiled.plan, steps },
      taskQueues: { default: queue, fit: `${queue}-fit` },
      // Every step runs (an identical earlier split would be answered by the step cache).
      ignoreCache: true,
    };
    const connection = await Connection.connect({ address: inject('temporalAddress') });
    try {
      const client = new Client({ connection });
      const result = (await client.workflow.execute('pipelineWorkflow', {
        workflowId: `schema-drift-${runId}`,
        taskQueue: queue,
        args: [input],
      })) as RunProgress;
      expect(result.status).toBe('failed');
      expect(result.steps.find((s) => s.nodeId === 'load'), JSON.stringify(result.steps)).toMatchObject({ status: 'succeeded' });
      const failed = result.steps.find((s) => s.nodeId === 'split')!;
      expect(failed.status).toBe('failed');
      expect(failed.attempts === 0 || failed.attempts === 1).toBe(true);
      expect(failed.error).toContain(`Output "train" of "split"`);
      expect(failed.error).toContain(`column "Body Mass (g)" is ${mass.type}, expected VARCHAR`);
      // The run's record says the same.
      const run = await request('GET', `/api/v1/runs/${runId}`);
      expect(run.data.steps.find((s: any) => s.nodeId === 'split').error).toContain('does not match the schema');
    } finally {
      await connection.close();
    }
  });
});
