/**
 * An expected problem the person can fix (a port taken, a tool missing, a bad setting).
 * The launcher prints only its message — no stack trace.
 */
export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserError';
  }
}

export function isUserError(err: unknown): err is UserError {
  return err instanceof UserError || (err instanceof Error && err.name === 'UserError');
}

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
