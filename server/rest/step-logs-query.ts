import { ServiceError } from '../infra/errors';
import type { StepLogsQuery } from '../services/step-logs';

const LOG_PARAMS = new Set(['after', 'limit']);

/** GET /api/v1/runs/{runId}/steps/{nodeId}/logs: the query string as the service's input (which validates it). */
export function stepLogsQueryFrom(runId: string, nodeId: string, params: URLSearchParams): StepLogsQuery {
  const query: StepLogsQuery = { runId, nodeId };
  for (const key of new Set(params.keys())) {
    if (!LOG_PARAMS.has(key)) throw new ServiceError('invalid', `Unknown query parameter "${key}"; known: ${[...LOG_PARAMS].join(', ')}`);
    if (params.getAll(key).length > 1) throw new ServiceError('invalid', `Query parameter "${key}" is given more than once`);
    const value = params.get(key)!;
    if (!/^\d{1,15}$/.test(value)) throw new ServiceError('invalid', `${key}: a whole number, not "${value}"`);
    query[key as 'after' | 'limit'] = Number(value);
  }
  return query;
}
