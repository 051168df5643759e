import { describe, expect, it } from 'vitest';
import { DependencyUnavailableError, asUnavailable, unavailableDependency, within } from '../../server/infra/dependencies';
import { ServiceError } from '../../server/infra/errors';

describe('which dependency an error says is down', () => {
  it('reads refused and broken Postgres connections, also when wrapped as a cause', () => {
    expect(unavailableDependency(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }))).toBe('postgres');
    const wrapped = new Error('Failed query: select 1', { cause: Object.assign(new Error('write CONNECTION_CLOSED'), { code: 'CONNECTION_CLOSED' }) });
    expect(unavailableDependency(wrapped)).toBe('postgres');
    expect(unavailableDependency(Object.assign(new Error('the database system is shutting down'), { code: '57P01' }))).toBe('postgres');
  });

  it('reads gRPC UNAVAILABLE and DEADLINE_EXCEEDED as Temporal', () => {
    const grpc = Object.assign(new Error('14 UNAVAILABLE: No connection established'), { code: 14, details: 'No connection established' });
    expect(unavailableDependency(new Error('Failed to start workflow', { cause: grpc }))).toBe('temporal');
    expect(unavailableDependency(Object.assign(new Error('4 DEADLINE_EXCEEDED'), { code: 4, details: 'Deadline exceeded' }))).toBe('temporal');
  });

  it('leaves other errors alone', () => {
    expect(unavailableDependency(new Error('boom'))).toBeUndefined();
    // A unique violation is Postgres answering, not Postgres down.
    expect(unavailableDependency(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBeUndefined();
    const notFound = new ServiceError('not_found', 'Run "x" was not found');
    expect(asUnavailable(notFound)).toBe(notFound);
  });

  it('turns a connection error into a 503-style error naming the dependency', () => {
    const err = asUnavailable(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
    expect(err).toBeInstanceOf(DependencyUnavailableError);
    expect((err as DependencyUnavailableError).code).toBe('unavailable');
    expect((err as DependencyUnavailableError).details).toMatchObject({ dependency: 'postgres' });
  });
});

describe('within', () => {
  it('answers with the work when it finishes in time', async () => {
    await expect(within('postgres', 1000, Promise.resolve(42))).resolves.toBe(42);
  });

  it('gives up on work that does not finish, naming the dependency', async () => {
    const never = new Promise<never>(() => {});
    const err = await within('temporal', 50, never).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DependencyUnavailableError);
    expect((err as DependencyUnavailableError).dependency).toBe('temporal');
    expect((err as Error).message).toMatch(/Temporal is not answering/);
  });
});
