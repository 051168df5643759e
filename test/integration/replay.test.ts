import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { expect, inject, it } from 'vitest';
import { workflowIdOf } from '../../server/services/runs';
import { checkedInHistories } from '../support/histories';
import { http, waitForRun } from '../support/http';

// Only problems from the SDK in the test output.
Runtime.install({ logger: new DefaultLogger('WARN') });

it('replays the recorded history of a finished run deterministically', async () => {
  const { data } = await http('POST', '/api/v1/pipelines/penguin-species/runs');
  const run = await waitForRun(data.runId);
  expect(run.status).toBe('succeeded');

  const connection = await Connection.connect({ address: inject('temporalAddress') });
  try {
    const client = new Client({ connection });
    const history = await client.workflow.getHandle(workflowIdOf(data.runId)).fetchHistory();
    expect(history.events?.length).toBeGreaterThan(10);
    // Throws DeterminismViolationError if today's workflow code would take another path.
    await Worker.runReplayHistory(
      { workflowsPath: fileURLToPath(new URL('../../workflows/engine/pipeline.ts', import.meta.url)) },
      history,
      workflowIdOf(data.runId),
    );
  } finally {
    await connection.close();
  }
});

// Histories recorded from earlier versions of the interpreter (test/support/record-histories.ts): runs in
// flight when the workflow code changes must still replay, or the change needs `patched`.
it('replays every checked-in history with today\'s workflow code', async () => {
  const histories = await checkedInHistories();
  const scenarios = ['cancel', 'failed-step', 'gate-skip', 'success', 'worker-crash'];
  // Before and after the patches 'wait-for-step-cancel' and 'fit-activity-id'.
  expect(histories.map((h) => h.name)).toEqual(expect.arrayContaining([...scenarios, ...scenarios.map((s) => `${s}.v2`)]));
  const replays = Worker.runReplayHistories(
    { workflowsPath: fileURLToPath(new URL('../../workflows/engine/pipeline.ts', import.meta.url)) },
    histories.map(({ name, history }) => ({ workflowId: name, history })),
  );
  const failures: string[] = [];
  let replayed = 0;
  for await (const result of replays) {
    replayed++;
    if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
  }
  expect(failures).toEqual([]);
  expect(replayed).toBe(histories.length);
});
