// Starting runs through the outbox: Idempotency-Key on POST /runs, cancelling a run whose workflow was
// never started, and a run whose workflow ended without its bookkeeping being set to that outcome.
import fs from 'node:fs/promises';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { workflowIdOf } from '../../server/services/runs';
import { TERMINAL, http, waitForRun } from '../support/http';
import { until } from '../support/wait';

const PIPELINE = 'outbox-species';
let sql: postgres.Sql;

beforeAll(async () => {
  sql = postgres(inject('databaseUrl'), { max: 2, onnotice: () => {} });
  const doc = JSON.parse(await fs.readFile(path.resolve('server/examples/penguin-species.json'), 'utf8'));
  doc.name = PIPELINE;
  doc.nodes.find((n: { id: string }) => n.id === 'ship').params.endpoint = PIPELINE;
  expect((await http('PUT', `/api/v1/pipelines/${PIPELINE}`, doc)).status).toBe(200);
});

afterAll(async () => {
  await sql.end();
});


describe('POST /runs with an Idempotency-Key', () => {
  it('answers the same run for the same key and body, 422 for another body, 400 for a malformed key', async () => {
    const key = `outbox-${crypto.randomUUID()}`;
    const first = await http('POST', `/api/v1/pipelines/${PIPELINE}/runs`, undefined, { 'idempotency-key': key });
    expect(first.status, JSON.stringify(first.data)).toBe(202);
    const again = await http('POST', `/api/v1/pipelines/${PIPELINE}/runs`, undefined, { 'idempotency-key': key });
    expect(again.status).toBe(200);
    expect(again.data.runId).toBe(first.data.runId);
    expect(again.headers.get('location')).toBe(`/api/v1/runs/${first.data.runId}`);

    const other = await http('POST', `/api/v1/pipelines/${PIPELINE}/runs`, { version: 1 }, { 'idempotency-key': key });
    expect(other.status).toBe(422);
    expect(other.data.error).toMatch(/already used for a different request/);

    const bad = await http('POST', `/api/v1/pipelines/${PIPELINE}/runs`, undefined, { 'idempotency-key': 'has spaces in it' });
    expect(bad.status).toBe(400);
    expect(bad.data.error).toMatch(/Idempotency-Key/);

    const [{ n }] = await sql<{ n: number }[]>`select count(*)::int as n from run_idempotency_keys where key = ${key}`;
    expect(n).toBe(1);
    expect((await waitForRun(first.data.runId)).status).toBe('succeeded');
  });
});

describe('a run whose workflow never started', () => {
  it('is retried by the dispatcher, and cancelling it cancels it in Postgres at once', async () => {
    // The state a crash between recording a run and starting its workflow leaves, with a start request
    // Temporal refuses (no task queue), so it stays undispatched while the dispatcher keeps trying.
    const [pv] = await sql<{ id: string; workspace_id: string }[]>`
      select v.id, p.workspace_id from pipeline_versions v join pipelines p on p.id = v.pipeline_id
      where p.name = ${PIPELINE} order by v.version desc limit 1`;
    const runId = crypto.randomUUID();
    await sql.begin(async (tx) => {
      await tx`insert into runs (id, workspace_id, pipeline_version_id, status, workflow_id, trigger)
               values (${runId}, ${pv!.workspace_id}, ${pv!.id}, 'queued', ${workflowIdOf(runId)}, 'api')`;
      await tx`insert into run_steps (run_id, node_id, type, status) values (${runId}, 'load', 'ingest.dataset', 'pending')`;
      await tx`insert into run_starts (run_id, workflow_type, task_queue, input)
               values (${runId}, 'pipelineWorkflow', '', ${tx.json({ runId })})`;
    });
    const tried = await until('the dispatcher to try it', async () => {
      const [row] = await sql<{ attempts: number; last_error: string | null }[]>`select attempts, last_error from run_starts where run_id = ${runId}`;
      return row && row.attempts > 0 ? row : undefined;
    });
    expect(tried.last_error).toBeTruthy();
    expect((await http('GET', `/api/v1/runs/${runId}`)).data.status).toBe('queued');

    const cancelled = await http('POST', `/api/v1/runs/${runId}/cancel`);
    expect(cancelled.status).toBe(202);
    const run = (await http('GET', `/api/v1/runs/${runId}`)).data;
    expect(run.status).toBe('cancelled');
    expect(run.error).toMatch(/before it started/);
    expect(run.steps[0].status).toBe('skipped');
    expect(await sql`select 1 from run_starts where run_id = ${runId}`).toHaveLength(0);
    expect((await http('POST', `/api/v1/runs/${runId}/cancel`)).status).toBe(409);
  });
});

describe('a run whose workflow ended without its bookkeeping', () => {
  it('is set to the workflow outcome, with no step left running, without anyone stepping in', async () => {
    // A run that stays running until it is stopped: it waits for an approval nobody gives.
    const waiting = {
      apiVersion: 'millrace/v1',
      name: 'outbox-waits',
      nodes: [
        { id: 'load', type: 'ingest.dataset', params: { dataset: 'penguins' } },
        { id: 'approve', type: 'control.approval' },
      ],
      edges: [],
    };
    expect((await http('PUT', '/api/v1/pipelines/outbox-waits', waiting)).status).toBe(200);
    const started = await http('POST', '/api/v1/pipelines/outbox-waits/runs', { ignoreCache: true });
    expect(started.status).toBe(202);
    const runId: string = started.data.runId;
    await until('the run to wait for its approval', async () => {
      const run = (await http('GET', `/api/v1/runs/${runId}`)).data;
      return run.status === 'running' && run.steps.some((s: { nodeId: string; status: string }) => s.nodeId === 'load' && s.status === 'succeeded') ? true : undefined;
    });
    const connection = await Connection.connect({ address: inject('temporalAddress') });
    try {
      // Terminated: the workflow's own last status update never runs, so only the reconciler can finish the run.
      await new Client({ connection }).workflow.getHandle(workflowIdOf(runId)).terminate('test: bookkeeping lost');
    } finally {
      await connection.close();
    }
    const run = await waitForRun(runId, { timeoutMs: 120_000 });
    expect(TERMINAL).toContain(run.status);
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/terminated/);
    for (const s of run.steps) expect(['succeeded', 'failed', 'skipped'], s.nodeId).toContain(s.status);
  });
});
