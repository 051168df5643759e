import { sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { runSteps } from '../../db/schema';

/**
 * In a list of runs: true for a succeeded run whose failed gate left a deploy step skipped (what
 * workflows/core/deployment.ts calls cause "gate" for one run's steps).
 */
export function gateBlockedSql(runId: AnyPgColumn): SQL<boolean> {
  return sql<boolean>`(exists (select 1 from ${runSteps} g where g.run_id = ${runId} and g.type = 'validate.gate' and g.status = 'failed')
    and exists (select 1 from ${runSteps} d where d.run_id = ${runId} and d.type = 'deploy.endpoint' and d.status = 'skipped'))`;
}
