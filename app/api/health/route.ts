import { sql } from 'drizzle-orm';
import { getDb } from '../../../db/client';
import { handle, json } from '../../../server/rest/http';
import { temporalClient } from '../../../server/temporal';

export const dynamic = 'force-dynamic';

async function check(work: () => Promise<unknown>): Promise<string> {
  try {
    await Promise.race([work(), new Promise((_, reject) => setTimeout(() => reject(new Error('timed out after 3 s')), 3000))]);
    return 'ok';
  } catch (err) {
    return `error: ${(err as Error).message}`;
  }
}

/** Ok only when Postgres and Temporal both answer. */
export async function GET() {
  return handle(async () => {
    const [postgres, temporal] = await Promise.all([
      check(() => getDb().execute(sql`select 1`)),
      check(async () => (await temporalClient()).workflowService.getSystemInfo({})),
    ]);
    const ok = postgres === 'ok' && temporal === 'ok';
    return json({ status: ok ? 'ok' : 'unhealthy', postgres, temporal }, ok ? 200 : 503);
  });
}
