import fs from 'node:fs/promises';
import path from 'node:path';
import postgres from 'postgres';
import { beforeAll, expect, inject, it } from 'vitest';
import { http, step, waitForRun } from '../support/http';
import { inDefaultWorkspace } from '../support/workspaces';

let registry: typeof import('../../server/infra/model-registry');

beforeAll(async () => {
  process.env.DATABASE_URL = inject('databaseUrl');
  registry = await inDefaultWorkspace(await import('../../server/infra/model-registry'));
});

it('a cancelled run registers and promotes nothing, even from a step that was still running', async () => {
  // A finished run's model version, to try to promote from the cancelled run.
  const done = await http('POST', '/api/v1/pipelines/penguin-species/runs', { ignoreCache: true });
  const finished = await waitForRun(done.data.runId);
  expect(finished.status).toBe('succeeded');
  const versionId = (await registry.modelVersionOfStep(done.data.runId, 'train'))?.id;
  expect(versionId).toBeTruthy();

  const doc = JSON.parse(await fs.readFile(path.resolve('server/examples/penguin-species.json'), 'utf8'));
  doc.name = 'guarded';
  doc.nodes.find((n: any) => n.id === 'train').params.trees = 2000;
  doc.nodes.find((n: any) => n.id === 'ship').params.endpoint = 'guarded';
  expect((await http('PUT', '/api/v1/pipelines/guarded', doc)).status).toBe(200);
  const { data } = await http('POST', '/api/v1/pipelines/guarded/runs', { ignoreCache: true });
  let cancelled = false;
  const run = await waitForRun(data.runId, {
    onPoll: async (r) => {
      if (cancelled || step(r, 'train').status !== 'running') return;
      expect((await http('POST', `/api/v1/runs/${data.runId}/cancel`)).status).toBe(202);
      cancelled = true;
    },
  });
  expect(run.status).toBe('cancelled');

  // What a deploy or train step of that run would do now (e.g. one that raced the cancel) is refused.
  await expect(registry.promoteToEndpoint('guarded', versionId!, { runId: data.runId, nodeId: 'ship' })).rejects.toThrow(/cancelled: promotion to endpoint "guarded" not done/);
  const meta = (await registry.getModelVersion(versionId!)).meta;
  await expect(
    registry.registerModelVersion({
      pipeline: 'guarded',
      runId: data.runId,
      nodeId: 'train',
      artifact: { hash: 'x'.repeat(64), kind: 'model', mediaType: 'application/onnx', sizeBytes: 1 },
      trainingArtifactHash: 'x'.repeat(64),
      meta,
    }),
  ).rejects.toThrow(/cancelled: model version registration not done/);
  // … and neither happened.
  expect((await http('GET', '/api/v1/endpoints/guarded')).status).toBe(404);
  expect(await registry.modelVersionOfStep(data.runId, 'train')).toBeUndefined();
});

it('promoting the version an endpoint already serves leaves the endpoint as it is and is recorded as such', async () => {
  const sql = postgres(inject('databaseUrl'), { max: 1 });
  try {
    const [before] = await sql<{ model_version_id: string; updated_at: Date }[]>`
      select model_version_id, updated_at from endpoints where name = 'penguins'`;
    expect(before).toBeDefined();
    await registry.promoteToEndpoint('penguins', before!.model_version_id, { actor: 'promotion-guard test' });
    const [after] = await sql<{ model_version_id: string; updated_at: Date }[]>`
      select model_version_id, updated_at from endpoints where name = 'penguins'`;
    expect(after).toEqual(before);
    const history = await http('GET', '/api/v1/endpoints/penguins/history?limit=1');
    expect(history.data.events[0]).toMatchObject({
      kind: 'promotion',
      actor: 'promotion-guard test',
      runId: null,
      from: { modelVersionId: before!.model_version_id },
      to: { modelVersionId: before!.model_version_id },
    });
  } finally {
    await sql.end();
  }
});
