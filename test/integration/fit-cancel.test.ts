import fs from 'node:fs/promises';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { expect, inject, it } from 'vitest';
import { workflowIdOf } from '../../server/services/runs';
import { http, step, waitForRun } from '../support/http';

it('cancelling a run stops its fit in the Python fit worker, which then takes the next fit', async () => {
  const doc = JSON.parse(await fs.readFile(path.resolve('server/examples/penguin-species.json'), 'utf8'));
  doc.name = 'cancel-fit';
  // Long enough that the fit is still running when the run is cancelled.
  doc.nodes.find((n: any) => n.id === 'train').params.trees = 2000;
  doc.nodes.find((n: any) => n.id === 'ship').params.endpoint = 'cancel-fit';
  expect((await http('PUT', '/api/v1/pipelines/cancel-fit', doc)).status).toBe(200);
  const { data } = await http('POST', '/api/v1/pipelines/cancel-fit/runs');

  const connection = await Connection.connect({ address: inject('temporalAddress') });
  try {
    const handle = new Client({ connection }).workflow.getHandle(workflowIdOf(data.runId));
    let cancelled = false;
    const run = await waitForRun(data.runId, {
      timeoutMs: 120_000,
      onPoll: async (r) => {
        if (cancelled || step(r, 'train').status !== 'running') return;
        const fit = ((await handle.describe()).raw.pendingActivities ?? []).find((a) => a.activityType?.name === 'fitModel');
        if (fit?.state !== 2 /* PENDING_ACTIVITY_STATE_STARTED */) return;
        expect((await http('POST', `/api/v1/runs/${data.runId}/cancel`)).status).toBe(202);
        cancelled = true;
      },
    });
    expect(cancelled).toBe(true);
    expect(run.status).toBe('cancelled');
    expect(step(run, 'train').status).toBe('skipped');
    expect(step(run, 'ship').status).toBe('skipped');

    // The fit worker acknowledged the cancellation: the fit stopped in its thread and reported so.
    const history = await handle.fetchHistory();
    const scheduled = history.events!.find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'fitModel')!;
    const canceled = history.events!.find((e) => e.activityTaskCanceledEventAttributes);
    expect(String(canceled?.activityTaskCanceledEventAttributes?.scheduledEventId)).toBe(String(scheduled.eventId));
    // … and removed what it had started to write.
    await expect(fs.stat(path.join(inject('dataDir'), 'tmp', 'fit', data.runId, 'train'))).rejects.toThrow();
    // No model version came of it.
    expect((await http('GET', '/api/v1/endpoints/cancel-fit')).status).toBe(404);

    // The worker is free again: the example pipeline trains and deploys.
    const next = await http('POST', '/api/v1/pipelines/penguin-species/runs');
    expect((await waitForRun(next.data.runId, { timeoutMs: 120_000 })).status).toBe('succeeded');
  } finally {
    await connection.close();
  }
});
