// Endpoint slots and model aliases move together, and the lineage reads forward to the endpoints: a deploy
// step's promotion moves the model's alias named after the slot (recorded with the run and step), a skipped
// promotion moves nothing, a rollback moves the alias back (recorded as the rollback), and a model version
// lists the endpoints and slots that serve it now or served it before, in its detail and lineage graph.
import fs from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { modelResponse, modelVersionResponse } from '../../server/rest/registry-openapi';
import { http, step, waitForRun } from '../support/http';

const PIPELINE = 'links-species';
const ENDPOINT = 'links-species';
const MODEL = `${PIPELINE}.train`;

type Node = { id: string; type: string; params: Record<string, unknown> };
let base: { nodes: Node[] };

async function deploy(ship: Record<string, unknown>) {
  const doc = structuredClone(base) as { name: string; nodes: Node[] };
  doc.name = PIPELINE;
  doc.nodes.find((n) => n.id === 'ship')!.params = { endpoint: ENDPOINT, ...ship };
  const saved = await http('PUT', `/api/v1/pipelines/${PIPELINE}`, doc);
  expect(saved.status, JSON.stringify(saved.data)).toBe(200);
  const started = await http('POST', `/api/v1/pipelines/${PIPELINE}/runs`, { ignoreCache: true });
  expect(started.status, JSON.stringify(started.data)).toBe(202);
  const run = await waitForRun(started.data.runId);
  expect(run.status, JSON.stringify(run)).toBe('succeeded');
  return { ...run, runId: started.data.runId as string };
}

type AliasEvent = { alias: string; from: number | null; to: number; actor: string };
const aliasMoves = async () => ((await http('GET', `/api/v1/models/${MODEL}/aliases`)).data.events as AliasEvent[]).map((e) => [e.alias, e.from, e.to, e.actor]);
const aliases = async () => (await http('GET', `/api/v1/models/${MODEL}`)).data.aliases;
const version = async (v: number) => {
  const res = await http('GET', `/api/v1/models/${MODEL}/versions/${v}`);
  expect(res.status, JSON.stringify(res.data)).toBe(200);
  return res.data;
};

const runIds: string[] = [];

beforeAll(async () => {
  base = JSON.parse(await fs.readFile(path.resolve('server/examples/penguin-species.json'), 'utf8'));
});

describe('aliases follow the endpoint slots', () => {
  it('moves the production alias with each production promotion, naming the run and deploy step', async () => {
    for (let i = 0; i < 2; i++) runIds.push((await deploy({})).runId);
    expect(await aliases()).toEqual({ production: 2 });
    expect(await aliasMoves()).toEqual([
      ['production', 1, 2, `run:${runIds[1]}/ship`],
      ['production', null, 1, `run:${runIds[0]}/ship`],
    ]);
  });

  it('moves the staging alias with a staging promotion and leaves production alone', async () => {
    runIds.push((await deploy({ slot: 'staging' })).runId);
    expect(await aliases()).toEqual({ production: 2, staging: 3 });
    expect((await aliasMoves())[0]).toEqual(['staging', null, 3, `run:${runIds[2]}/ship`]);
  });

  it('moves nothing when the deploy step skips the promotion', async () => {
    const before = await aliasMoves();
    const run = await deploy({ betterMetric: 'accuracy', betterBy: 1 });
    expect(JSON.stringify(step(run, 'ship').summary)).toMatch(/not promoted/);
    expect(await aliases()).toEqual({ production: 2, staging: 3 });
    expect(await aliasMoves()).toEqual(before);
  });

  it('moves the alias back with a rollback, recorded as the rollback', async () => {
    const res = await http('POST', `/api/v1/endpoints/${ENDPOINT}/rollback`, { version: 1 }, { 'x-millrace-user': 'ana' });
    expect(res.status, JSON.stringify(res.data)).toBe(200);
    expect(res.data.changed).toBe(true);
    expect(await aliases()).toEqual({ production: 1, staging: 3 });
    // By the caller's token, not the X-Millrace-User name the client sent.
    expect((await aliasMoves())[0]).toEqual(['production', 2, 1, expect.stringMatching(new RegExp(`^rollback:${ENDPOINT} by token test admin `))]);
    // The slot already serves version 1: nothing changes, nothing is recorded.
    const again = await http('POST', `/api/v1/endpoints/${ENDPOINT}/rollback`, { version: 1 });
    expect(again.data.changed).toBe(false);
    expect((await aliasMoves()).length).toBe(4);
  });
});

describe('lineage reads forward to the endpoints', () => {
  it('lists the endpoint slots serving each version now and those that served it before', async () => {
    const served = async (v: number) => (await version(v)).servedBy;
    expect(await served(1)).toEqual([{ endpoint: ENDPOINT, current: ['production'], past: [] }]);
    expect(await served(2)).toEqual([{ endpoint: ENDPOINT, current: [], past: ['production'] }]);
    expect(await served(3)).toEqual([{ endpoint: ENDPOINT, current: ['staging'], past: [] }]);
    // Version 4 was never promoted.
    expect(await served(4)).toEqual([]);
  });

  it('draws the endpoint in the lineage graph of a version it served, with the slots', async () => {
    const v2 = await version(2);
    const node = v2.lineage.nodes.find((n: { id: string }) => n.id === `endpoint:${ENDPOINT}`);
    expect(node).toMatchObject({ kind: 'endpoint', endpoint: ENDPOINT, slots: { current: [], past: ['production'] } });
    expect(v2.lineage.edges).toContainEqual({ source: `model:${MODEL}@2`, target: `endpoint:${ENDPOINT}` });
    const v4 = await version(4);
    expect(v4.lineage.nodes.some((n: { kind: string }) => n.kind === 'endpoint')).toBe(false);
  });

  it('answers as its OpenAPI entries say', async () => {
    for (const v of [1, 2, 3, 4]) modelVersionResponse.parse(await version(v));
    modelResponse.parse((await http('GET', `/api/v1/models/${MODEL}`)).data);
  });

  it('names the serving endpoints and slots in the model card', async () => {
    const card = async (v: number) => (await fetch(`${inject('baseUrl')}/api/v1/models/${MODEL}/versions/${v}/card`)).text();
    expect(await card(1)).toContain(`- Served by: ${ENDPOINT} (production)\n`);
    expect(await card(2)).toContain(`- Served before by: ${ENDPOINT} (production)\n`);
    expect(await card(2)).not.toContain('- Served by:');
    expect(await card(3)).toContain(`- Served by: ${ENDPOINT} (staging)\n`);
  });

  it('lists the versions the endpoint served in its history, which links back to each version', async () => {
    const events = (await http('GET', `/api/v1/endpoints/${ENDPOINT}/history`)).data.events as { kind: string; slot: string; to: { model: string; version: number } }[];
    expect(events.map((e) => [e.kind, e.slot, e.to.model, e.to.version])).toEqual([
      ['rollback', 'production', MODEL, 1],
      ['promotion', 'staging', MODEL, 3],
      ['promotion', 'production', MODEL, 2],
      ['promotion', 'production', MODEL, 1],
    ]);
  });
});
