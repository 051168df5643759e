import { fileURLToPath } from 'node:url';
import { DefaultLogger, NativeConnection, Runtime, Worker, bundleWorkflowCode } from '@temporalio/worker';
import { z } from 'zod';
import { closeDb } from '../../db/client';
import { startDatasetTriggerDelivery } from '../../server/infra/dataset-triggers';
import { startRunMaintenance } from '../../server/infra/run-dispatch';
import { temporalConnectOptions } from '../../server/infra/temporal-connection';
import { startWebhookDelivery } from '../../server/infra/webhook-delivery';
import { startFollowingRuns } from '../steps/kit/run-triggers';
import { bookkeepingActivities, fitActivities, loadStepActivities, runOpsActivities, triggerActivities } from './activities';

// Worker entry: polls the default queue (the pipeline workflow, the schedule and trigger workflows,
// bookkeeping and every step's Node activity). Model fitting is the Python fit worker's (workflows/ml/worker.py, on `<queue>-fit`).
// Start more of either to scale out.

const env = z
  .object({
    TEMPORAL_ADDRESS: z.string().min(1, 'TEMPORAL_ADDRESS is required'),
    TEMPORAL_NAMESPACE: z.string().default('default'),
    DATABASE_URL: z.string().min(1, 'DATABASE_URL is required'),
    MILLRACE_TASK_QUEUE: z.string().default('millrace'),
    MILLRACE_DISPATCH_SECONDS: z.coerce.number().min(0.1).max(3600).default(2),
    MILLRACE_RECONCILE_SECONDS: z.coerce.number().min(0.5).max(86_400).default(15),
  })
  .safeParse(process.env);
if (!env.success) {
  console.error(`worker: ${env.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`).join('; ')}`);
  process.exit(2);
}
const cfg = env.data;

// Step progress is printed by the steps themselves; the SDK only reports problems.
Runtime.install({
  logger: new DefaultLogger('WARN', (entry) => {
    console.warn(`[${entry.level}] ${entry.message}`, entry.meta?.taskQueue ? `(${String(entry.meta.taskQueue)})` : '');
  }),
});

const stepActivities = await loadStepActivities();
const connection = await NativeConnection.connect(temporalConnectOptions(cfg.TEMPORAL_ADDRESS));
const workflowBundle = await bundleWorkflowCode({
  workflowsPath: fileURLToPath(new URL('./workflows.ts', import.meta.url)),
  logger: { log() {}, trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error },
});
const worker = await Worker.create({
  connection,
  namespace: cfg.TEMPORAL_NAMESPACE,
  taskQueue: cfg.MILLRACE_TASK_QUEUE,
  workflowBundle,
  activities: { ...stepActivities, ...bookkeepingActivities, ...fitActivities, ...triggerActivities, ...runOpsActivities },
  // Cancellation reaches a step with the answer to a heartbeat: send them often enough that a cancelled
  // run's steps stop within seconds (the SDK would wait up to 80% of the heartbeat timeout).
  maxHeartbeatThrottleInterval: '2 seconds',
  defaultHeartbeatThrottleInterval: '2 seconds',
});
console.log(`worker: polling ${cfg.MILLRACE_TASK_QUEUE} on ${cfg.TEMPORAL_ADDRESS}`);
// Runs recorded but not yet started, and runs whose workflow ended without their bookkeeping: this
// supervised process starts and finishes them (server/infra/run-dispatch.ts).
const maintenance = startRunMaintenance({
  dispatchEverySeconds: cfg.MILLRACE_DISPATCH_SECONDS,
  reconcileEverySeconds: cfg.MILLRACE_RECONCILE_SECONDS,
  log: (line) => console.log(`worker: ${line}`),
  onRunFinished: async (runId, status) => {
    if (status === 'succeeded') await startFollowingRuns(runId);
  },
});
// Workers also drain the webhook outbox (notifications of finished runs and approvals) and the
// dataset-trigger outbox (new dataset versions for their triggers' debounce workflows).
const stopWebhookDelivery = startWebhookDelivery();
const stopDatasetTriggerDelivery = startDatasetTriggerDelivery({
  everySeconds: cfg.MILLRACE_DISPATCH_SECONDS,
  log: (line) => console.log(`worker: ${line}`),
});
try {
  await worker.run();
} finally {
  await maintenance.stop();
  await stopWebhookDelivery();
  await stopDatasetTriggerDelivery();
  await connection.close();
  await closeDb();
}
