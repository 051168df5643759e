export { UserError, isUserError } from '../infra/errors';

/** Raised when startup is interrupted (Ctrl-C while starting). */
export class AbortedError extends Error {
  constructor() {
    super('Start-up was interrupted.');
    this.name = 'AbortedError';
  }
}

export function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new AbortedError();
}

export type Log = (line: string) => void;
