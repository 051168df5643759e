/**
 * An error a person can act on, with an HTTP-ish code the API layers translate. `unprocessable`: the
 * request is well-formed but its content is not (a malformed file); `unsupported`: the content is not of
 * the type it was sent as; `too_large`: a size limit.
 */
export class ServiceError extends Error {
  constructor(
    readonly code: 'not_found' | 'invalid' | 'conflict' | 'unavailable' | 'unprocessable' | 'unsupported' | 'too_large',
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}

export const notFound = (what: string) => new ServiceError('not_found', `${what} was not found`);

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
