import { Client, Connection } from '@temporalio/client';
import { temporalConnectOptions } from './temporal-connection';

const globalForTemporal = globalThis as unknown as { __millraceTemporal?: Promise<Client> };

/** One Temporal client per process, connected lazily to TEMPORAL_ADDRESS. */
export function temporalClient(): Promise<Client> {
  globalForTemporal.__millraceTemporal ??= (async () => {
    const address = process.env.TEMPORAL_ADDRESS;
    if (!address) throw new Error('TEMPORAL_ADDRESS is not set: start Millrace with `npm start`, or set TEMPORAL_ADDRESS.');
    const connection = await Connection.connect({ ...temporalConnectOptions(address), connectTimeout: '5s' });
    return new Client({ connection, namespace: process.env.TEMPORAL_NAMESPACE ?? 'default' });
  })().catch((err) => {
    globalForTemporal.__millraceTemporal = undefined; // retry on the next call
    throw err;
  });
  return globalForTemporal.__millraceTemporal;
}

/**
 * Runs Temporal client calls with a deadline: the client otherwise retries an unreachable server for
 * a long time. Past the deadline the calls fail with DEADLINE_EXCEEDED.
 */
export async function withTemporal<T>(ms: number, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = await temporalClient();
  return client.connection.withDeadline(Date.now() + ms, () => fn(client));
}

export function taskQueues() {
  const base = process.env.MILLRACE_TASK_QUEUE ?? 'millrace';
  return { default: base, fit: `${base}-fit` };
}
