import { describe, expect, it } from 'vitest';
import { PIPELINE_TEMPLATES, templateDocument } from '../../server/templates';
import { http, waitForRun } from '../support/http';

// Every template runs on a fresh installation (the example datasets only), to the end: its gate passes and
// its deploy step promotes; each step that ran says what it did in its log.

describe('pipeline templates', () => {
  it('each runs end to end on a fresh stack, every step succeeding with log lines', async () => {
    const started = await Promise.all(
      PIPELINE_TEMPLATES.map(async (t) => {
        const name = `template-${t.id}`;
        const saved = await http('PUT', `/api/v1/pipelines/${name}`, templateDocument(t.id, name));
        expect(saved.status, JSON.stringify(saved.data)).toBeLessThan(300);
        const run = await http<{ runId: string }>('POST', `/api/v1/pipelines/${name}/runs`);
        expect(run.status, JSON.stringify(run.data)).toBe(202);
        return { t, runId: run.data.runId };
      }),
    );
    for (const { t, runId } of started) {
      const run = await waitForRun(runId, { timeoutMs: 300_000 });
      const failed = run.steps.filter((s: { status: string }) => s.status !== 'succeeded');
      expect(failed, `${t.id}: ${JSON.stringify(failed)}`).toEqual([]);
      expect(run.notDeployed, t.id).toEqual([]);
      expect(run.steps.map((s: { nodeId: string }) => s.nodeId).sort()).toEqual(t.document.nodes.map((n) => n.id).sort());
      for (const s of run.steps) {
        const logs = await http<{ lines: { message: string }[] }>('GET', `/api/v1/runs/${runId}/steps/${s.nodeId}/logs`);
        expect(logs.status).toBe(200);
        expect(logs.data.lines.length, `${t.id}/${s.nodeId} wrote no log line`).toBeGreaterThan(0);
      }
    }
  }, 600_000);

  it('lists a step log route in the OpenAPI document', async () => {
    const doc = await http('GET', '/api/v1/openapi.json');
    const logs = doc.data.paths['/api/v1/runs/{runId}/steps/{nodeId}/logs'];
    expect(logs?.get?.parameters.map((p: { name: string }) => p.name)).toEqual(['runId', 'nodeId', 'after', 'limit']);
    expect(Object.keys(logs.get.responses)).toEqual(expect.arrayContaining(['200', '400', '404']));
  });
});
