import { Client, Connection } from '@temporalio/client';
import { expect, inject, it } from 'vitest';
import { workflowIdOf } from '../../server/services/runs';
import { http, step, waitForRun } from '../support/http';

it('cancelling a run stops a running Node step (a DuckDB query) and the run waits for the step to acknowledge', async () => {
  const doc = {
    apiVersion: 'millrace/v1',
    name: 'cancel-query',
    nodes: [
      { id: 'load', type: 'ingest.dataset', params: { dataset: 'penguins' } },
      // Hours of work: every penguin against a hundred billion numbers.
      { id: 'q', type: 'prepare.sql', params: { sql: 'SELECT sum(r.x) AS s FROM input, range(100000000000) AS r(x)' } },
    ],
    edges: [{ from: 'load.table', to: 'q.input' }],
  };
  const saved = await http('PUT', '/api/v1/pipelines/cancel-query', doc);
  expect(saved.status, JSON.stringify(saved.data)).toBe(200);
  const { data } = await http('POST', '/api/v1/pipelines/cancel-query/runs');

  const connection = await Connection.connect({ address: inject('temporalAddress') });
  try {
    const handle = new Client({ connection }).workflow.getHandle(workflowIdOf(data.runId));
    let cancelled = false;
    const run = await waitForRun(data.runId, {
      onPoll: async (r) => {
        if (cancelled || step(r, 'q').status !== 'running') return;
        const query = ((await handle.describe()).raw.pendingActivities ?? []).find((a) => a.activityType?.name === 'prepare.sql');
        if (query?.state !== 2 /* PENDING_ACTIVITY_STATE_STARTED */) return;
        expect((await http('POST', `/api/v1/runs/${data.runId}/cancel`)).status).toBe(202);
        cancelled = true;
      },
    });
    expect(cancelled).toBe(true);
    expect(run.status).toBe('cancelled');
    expect(step(run, 'load').status).toBe('succeeded');
    expect(step(run, 'q').status).toBe('cancelled');

    // The step acknowledged the cancel (it did not run on to complete or time out), and the workflow
    // finished only after that. (Postgres says "cancelled" a moment before the workflow's last event.)
    await handle.result().catch(() => {});
    const events = (await handle.fetchHistory()).events!;
    const scheduled = events.find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'prepare.sql')!;
    const ended = events.filter((e) => String(e.activityTaskCanceledEventAttributes?.scheduledEventId ?? e.activityTaskCompletedEventAttributes?.scheduledEventId ?? e.activityTaskFailedEventAttributes?.scheduledEventId ?? e.activityTaskTimedOutEventAttributes?.scheduledEventId) === String(scheduled.eventId));
    expect(ended.map((e) => (e.activityTaskCanceledEventAttributes ? 'cancelled' : 'other'))).toEqual(['cancelled']);
    const finished = events.findIndex((e) => e.workflowExecutionCanceledEventAttributes || e.workflowExecutionCompletedEventAttributes);
    expect(finished).toBeGreaterThan(events.indexOf(ended[0]!));
  } finally {
    await connection.close();
  }
});
