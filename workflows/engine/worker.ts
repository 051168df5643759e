import { fileURLToPath } from 'node:url';
import { DefaultLogger, NativeConnection, Runtime, Worker, bundleWorkflowCode } from '@temporalio/worker';
import { z } from 'zod';
import { closeDb } from '../../db/client';
import { bookkeepingActivities, loadStepActivities } from './activities';

// Worker entry: polls the default queue (the pipeline workflow, bookkeeping and light steps) and the
// fit queue (model fitting). Start more workers, e.g. with MILLRACE_WORKER_QUEUES=fit on a bigger machine.

const env = z
  .object({
    TEMPORAL_ADDRESS: z.string().min(1, 'TEMPORAL_ADDRESS is required'),
    TEMPORAL_NAMESPACE: z.string().default('default'),
    DATABASE_URL: z.string().min(1, 'DATABASE_URL is required'),
    MILLRACE_TASK_QUEUE: z.string().default('millrace'),
    MILLRACE_WORKER_QUEUES: z.string().default('default,fit'),
    MILLRACE_FIT_CONCURRENCY: z.coerce.number().int().min(1).default(1),
  })
  .safeParse(process.env);
if (!env.success) {
  console.error(`worker: ${env.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`).join('; ')}`);
  process.exit(2);
}
const cfg = env.data;
const queues = new Set(cfg.MILLRACE_WORKER_QUEUES.split(',').map((q) => q.trim()));

// Step progress is printed by the steps themselves; the SDK only reports problems (the fit queue
// having no workflows is by design, not one).
Runtime.install({
  logger: new DefaultLogger('WARN', (entry) => {
    if (entry.message.startsWith('No workflows registered')) return;
    console.warn(`[${entry.level}] ${entry.message}`, entry.meta?.taskQueue ? `(${String(entry.meta.taskQueue)})` : '');
  }),
});

const stepActivities = await loadStepActivities();
const connection = await NativeConnection.connect({ address: cfg.TEMPORAL_ADDRESS });
const workers: Worker[] = [];
if (queues.has('default')) {
  const workflowBundle = await bundleWorkflowCode({
    workflowsPath: fileURLToPath(new URL('./pipeline.ts', import.meta.url)),
    logger: { log() {}, trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error },
  });
  workers.push(
    await Worker.create({
      connection,
      namespace: cfg.TEMPORAL_NAMESPACE,
      taskQueue: cfg.MILLRACE_TASK_QUEUE,
      workflowBundle,
      activities: { ...stepActivities, ...bookkeepingActivities },
    }),
  );
}
if (queues.has('fit')) {
  workers.push(
    await Worker.create({
      connection,
      namespace: cfg.TEMPORAL_NAMESPACE,
      taskQueue: `${cfg.MILLRACE_TASK_QUEUE}-fit`,
      activities: stepActivities,
      maxConcurrentActivityTaskExecutions: cfg.MILLRACE_FIT_CONCURRENCY,
    }),
  );
}
console.log(`worker: polling ${workers.map((w) => w.options.taskQueue).join(', ')} on ${cfg.TEMPORAL_ADDRESS}`);
try {
  await Promise.all(workers.map((w) => w.run()));
} finally {
  await connection.close();
  await closeDb();
}
