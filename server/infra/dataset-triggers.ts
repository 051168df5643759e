import { and, eq } from 'drizzle-orm';
import { getDb } from '../../db/client';
import { triggers } from '../../db/schema';
import { datasetTriggerWorkflowIdOf, type DatasetTriggerInput, type DatasetVersionEvent } from '../../workflows/core/schedule-spec';
import { taskQueues, temporalClient } from './temporal';
import { defaultWorkspaceId } from './workspace';

/**
 * A new version of a dataset was stored: each enabled trigger on it hears of it through its debounce
 * workflow (started if it is not running, signalled if it is), which starts the run once the dataset
 * has been quiet for the trigger's debounce time. The version is stored either way: if Temporal cannot
 * be reached the trigger misses this version, and that is logged. Never throws: the upload succeeded.
 */
export async function signalDatasetTriggers(dataset: string, version: number): Promise<void> {
  const event: DatasetVersionEvent = { dataset, version };
  try {
    const workspaceId = await defaultWorkspaceId();
    const rows = await getDb()
      .select({ id: triggers.id, debounceSeconds: triggers.debounceSeconds })
      .from(triggers)
      .where(and(eq(triggers.workspaceId, workspaceId), eq(triggers.kind, 'dataset'), eq(triggers.dataset, dataset), eq(triggers.enabled, true)));
    if (rows.length === 0) return;
    const client = await temporalClient();
    await Promise.all(
      rows.map((t) => {
        const input: DatasetTriggerInput = { triggerId: t.id, debounceSeconds: t.debounceSeconds ?? 0 };
        return client.workflow.signalWithStart('datasetTriggerWorkflow', {
          workflowId: datasetTriggerWorkflowIdOf(t.id),
          taskQueue: taskQueues().default,
          args: [input],
          signal: 'datasetVersion',
          signalArgs: [event],
        });
      }),
    );
  } catch (err) {
    console.error(`[triggers] dataset "${dataset}" version ${version}: could not signal its triggers: ${(err as Error).message}`);
  }
}
