/** An error a person can act on, with an HTTP-ish code the API layers translate. */
export class ServiceError extends Error {
  constructor(
    readonly code: 'not_found' | 'invalid' | 'too_large' | 'conflict' | 'unavailable',
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}

export const notFound = (what: string) => new ServiceError('not_found', `${what} was not found`);
