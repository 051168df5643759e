import fs from 'node:fs/promises';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import postgres from 'postgres';
import { expect, inject, it } from 'vitest';
import { http, step, waitForRun } from '../support/http';
import { pendingFit } from '../support/processes';

it('a train step that finds its model version already registered (by an earlier attempt) reuses it, and the deploy promotes that one', async () => {
  // A stored model file to stand for the one an earlier attempt registered.
  const earlier = await http('POST', '/api/v1/pipelines/penguin-species/runs', { ignoreCache: true });
  expect((await waitForRun(earlier.data.runId)).status).toBe('succeeded');

  const doc = JSON.parse(await fs.readFile(path.resolve('server/examples/penguin-species.json'), 'utf8'));
  doc.name = 'retried-train';
  doc.nodes.find((n: any) => n.id === 'train').params.trees = 2000;
  doc.nodes.find((n: any) => n.id === 'ship').params.endpoint = 'retried-train';
  expect((await http('PUT', '/api/v1/pipelines/retried-train', doc)).status).toBe(200);
  const { data } = await http('POST', '/api/v1/pipelines/retried-train/runs', { ignoreCache: true });

  const sql = postgres(inject('databaseUrl'), { max: 1 });
  const connection = await Connection.connect({ address: inject('temporalAddress') });
  try {
    const client = new Client({ connection });
    let registered: string | undefined;
    const run = await waitForRun(data.runId, {
      onPoll: async (r) => {
        if (registered || step(r, 'train').status !== 'running' || !(await pendingFit(client, data.runId))?.started) return;
        // While the fit runs, the version "an earlier attempt" registered for this run and step appears.
        const [model] = await sql<{ id: string }[]>`
          insert into models (workspace_id, name) select workspace_id, 'retried-train.train' from runs where id = ${data.runId}
          on conflict (workspace_id, name) do update set name = excluded.name returning id`;
        const [row] = await sql<{ id: string }[]>`
          insert into model_versions (model_id, version, artifact_hash, task, algorithm, target, features, meta, training_artifact_hash, run_id, node_id)
          select ${model!.id}, 1, artifact_hash, task, algorithm, target, features, meta, training_artifact_hash, ${data.runId}, 'train'
          from model_versions where run_id = ${earlier.data.runId} and node_id = 'train' returning id`;
        registered = row!.id;
      },
    });
    expect(registered).toBeDefined();
    expect(run.status).toBe('succeeded');
    // One version for the run's train step: the one already registered, which the deploy promoted.
    const versions = await sql<{ id: string }[]>`select id from model_versions where run_id = ${data.runId}`;
    expect(versions.map((v) => v.id)).toEqual([registered]);
    expect(step(run, 'train').summary.modelVersion).toBe(1);
    // The step hands on the registered version's stored file, not the file the new fit made.
    const [{ hash }] = await sql<{ hash: string }[]>`
      select outputs->'model'->>'hash' as hash from run_steps where run_id = ${data.runId} and node_id = 'train'`;
    const [{ artifact_hash }] = await sql<{ artifact_hash: string }[]>`select artifact_hash from model_versions where id = ${registered!}`;
    expect(hash).toBe(artifact_hash);
    const [endpoint] = await sql<{ model_version_id: string }[]>`select model_version_id from endpoints where name = 'retried-train'`;
    expect(endpoint?.model_version_id).toBe(registered);
    // The model file the new fit made was not kept, not even in the artifact store, where every file is
    // a recorded artifact.
    await expect(fs.stat(path.join(inject('dataDir'), 'tmp', 'fit', data.runId))).rejects.toThrow();
    // Other test files run on the same stack and record each file a moment after storing it: a file is left
    // over only if it is still unrecorded a few seconds later.
    const store = path.join(inject('dataDir'), 'artifacts');
    const unrecorded = async (candidates?: string[]) => {
      const recorded = new Set((await sql<{ hash: string }[]>`select hash from artifacts`).map((r) => r.hash));
      const files: string[] = [];
      for (const dir of await fs.readdir(store)) for (const f of await fs.readdir(path.join(store, dir))) files.push(f);
      return files.filter((f) => !recorded.has(f) && (!candidates || candidates.includes(f)));
    };
    const first = await unrecorded();
    if (first.length) await new Promise((r) => setTimeout(r, 5000));
    expect(first.length ? await unrecorded(first) : []).toEqual([]);
  } finally {
    await connection.close();
    await sql.end();
  }
});
