import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ServiceError } from '../../server/infra/errors';
import { endpointMetricsQueryFrom } from '../../server/rest/endpoint-metrics-query';
import { failureMessage } from '../../server/rest/predict-failure';
import { endpointMetricsQuery } from '../../server/services/endpoint-metrics';

describe('GET /api/v1/endpoints/{name}/metrics query', () => {
  it('takes an optional window of hour, day or week (hour by default)', () => {
    expect(endpointMetricsQuery.parse(endpointMetricsQueryFrom('penguins', new URLSearchParams()))).toEqual({ name: 'penguins', window: 'hour' });
    expect(endpointMetricsQuery.parse(endpointMetricsQueryFrom('penguins', new URLSearchParams('window=week')))).toEqual({ name: 'penguins', window: 'week' });
    const bad = endpointMetricsQuery.safeParse(endpointMetricsQueryFrom('penguins', new URLSearchParams('window=year')));
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.message).toBe('window: "hour", "day" or "week"');
  });

  it('refuses unknown and repeated parameters, naming them', () => {
    expect(() => endpointMetricsQueryFrom('penguins', new URLSearchParams('slot=staging'))).toThrow('Unknown query parameter "slot"; known: window');
    expect(() => endpointMetricsQueryFrom('penguins', new URLSearchParams('window=day&window=week'))).toThrow('Query parameter "window" is given more than once');
  });
});

describe('a refused predict request as logged', () => {
  it('keeps the message the answer carried, and never an internal error’s details', () => {
    expect(failureMessage(new ServiceError('invalid', 'row 0: feature "Sex": missing'), 400)).toBe('row 0: feature "Sex": missing');
    expect(failureMessage(new Error('connection refused at 10.0.0.3'), 500)).toBe('Internal error');
    const zod = z.object({ rows: z.array(z.unknown()) }).safeParse({});
    expect(failureMessage(zod.error, 400)).toMatch(/rows/);
  });
});
