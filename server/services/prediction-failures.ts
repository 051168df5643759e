import type { Slot } from '../infra/model-registry';
import { resolveEndpoint } from './endpoint-resolution';
import { predictionLog } from './prediction-log';

/** Longest error text kept per logged failure. */
const MAX_ERROR_CHARS = 2000;

/**
 * Logs a refused predict request (bad rows, a body that is not JSON, too many rows) so the endpoint's
 * error rate counts it: after the answer is sent (setImmediate), against the slot's model version of the
 * moment, with no rows. A request to an endpoint that does not exist is not logged: there is no endpoint
 * to count it against.
 */
export function logFailedPrediction(name: string, failure: { requestId: string; status: number; error: string; latencyMs: number; slot?: Slot }): void {
  setImmediate(() => {
    resolveEndpoint(name, failure.slot ?? 'production')
      .then((endpoint) => {
        const error = failure.error.length > MAX_ERROR_CHARS ? `${failure.error.slice(0, MAX_ERROR_CHARS)}…` : failure.error;
        predictionLog().add({
          endpointId: endpoint.endpointId,
          modelVersionId: endpoint.modelVersionId,
          inputs: [],
          outputs: { predictions: [] },
          rowCount: 0,
          truncated: false,
          latencyMs: failure.latencyMs,
          requestId: failure.requestId,
          slot: endpoint.slot,
          shadow: false,
          status: failure.status,
          error,
          createdAt: new Date(),
          bytes: error.length,
        });
      })
      .catch(() => {});
  });
}
