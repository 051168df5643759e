import { z } from 'zod';
import { ServiceError } from '../infra/errors';
import type { Slot } from '../infra/model-registry';
import { logFailedPrediction } from '../services/prediction-failures';
import { HttpError } from './http';

/** What a refused predict request is logged with: the message its answer carries (never a 500's internals). */
export function failureMessage(thrown: unknown, status: number): string {
  if (status >= 500) return status === 503 ? 'Service unavailable' : 'Internal error';
  if (thrown instanceof ServiceError || thrown instanceof HttpError) return thrown.message;
  if (thrown instanceof z.ZodError) return z.prettifyError(thrown);
  return thrown instanceof Error ? thrown.message : String(thrown);
}

/** Both predict paths (predict-request.ts, predict-node.ts) log a refused request the same way, off the answer's path. */
export function logRefusedPredict(name: string, thrown: unknown, answer: { status: number; requestId: string; started: number; slot?: Slot }): void {
  logFailedPrediction(name, {
    requestId: answer.requestId,
    status: answer.status,
    error: failureMessage(thrown, answer.status),
    latencyMs: performance.now() - answer.started,
    slot: answer.slot,
  });
}
