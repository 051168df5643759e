import { json } from '../../../server/rest/http';
import { route } from '../../../server/rest/route';
import { RETRY_AFTER_SECONDS, probe } from '../../../server/infra/dependencies';
import { predictionLog } from '../../../server/services/prediction-log';

export const dynamic = 'force-dynamic';

/** Ok only when Postgres and Temporal both answer (each within 3 s); otherwise 503 saying which does not. */
export const GET = route(
  { public: 'probes for load balancers and the launcher; says only whether Postgres and Temporal answer' },
  async () => {
    const [pg, temporal] = await Promise.all([
      probe('postgres', { timeoutMs: 3000, maxAgeMs: 0 }),
      probe('temporal', { timeoutMs: 3000, maxAgeMs: 0 }),
    ]);
    const postgres = pg.ok ? 'ok' : `error: ${pg.error}`;
    const temporalStatus = temporal.ok ? 'ok' : `error: ${temporal.error}`;
    const down = [...(pg.ok ? [] : ['postgres']), ...(temporal.ok ? [] : ['temporal'])];
    const ok = down.length === 0;
    return json(
      {
        status: ok ? 'ok' : 'unhealthy',
        postgres,
        temporal: temporalStatus,
        ...(ok ? {} : { unavailable: down }),
        // Prediction logs waiting to be written, and those dropped since start because the queue was full.
        predictionLog: predictionLog().stats(),
      },
      ok ? 200 : 503,
      ok ? {} : { 'retry-after': String(RETRY_AFTER_SECONDS) },
    );
  },
  { patienceMs: null },
);
