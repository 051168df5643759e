import { describe, expect, it } from 'vitest';
import { lowerIsBetter } from '../../server/infra/model-registry';
import { requestedSlot } from '../../server/rest/predict-request';
import { rollbackBody } from '../../server/services/endpoint-rollback';

describe('endpoint slots', () => {
  it('a predict request calls production unless it names staging by query or header', () => {
    expect(requestedSlot(null, null)).toBeUndefined();
    expect(requestedSlot('staging', null)).toBe('staging');
    expect(requestedSlot(null, 'staging')).toBe('staging');
    expect(requestedSlot('production', 'staging')).toBe('production');
    expect(() => requestedSlot('canary', null)).toThrow(/slot must be "production" or "staging" \(got "canary"\)/);
  });

  it('a rollback names exactly one version, and a slot', () => {
    expect(rollbackBody.parse({ version: 3 })).toEqual({ version: 3, slot: 'production' });
    const id = '0b0c2f3e-9d2c-4f7e-8a50-6f1d2a3b4c5d';
    expect(rollbackBody.parse({ modelVersionId: id, slot: 'staging' })).toEqual({ modelVersionId: id, slot: 'staging' });
    const refused = (body: unknown) => rollbackBody.safeParse(body).error?.issues.map((i) => i.message).join('; ');
    expect(refused({})).toMatch(/exactly one of "version" and "modelVersionId"/);
    expect(refused({ version: 1, modelVersionId: id })).toMatch(/exactly one/);
    expect(refused({ version: 0 })).toMatch(/version: at least 1/);
    expect(refused({ version: 1.5 })).toMatch(/version: a whole number/);
    expect(refused({ modelVersionId: 'v1' })).toMatch(/modelVersionId: a model version id/);
    expect(refused({ version: 1, slot: 'canary' })).toMatch(/slot: "production" or "staging"/);
    expect(refused({ version: 1, extra: true })).toBeTruthy();
  });

  it('"better" means smaller for error metrics and larger for the others', () => {
    for (const m of ['rmse', 'mae', 'mape', 'log_loss', 'inertia']) expect(lowerIsBetter(m), m).toBe(true);
    for (const m of ['accuracy', 'f1', 'r2', 'auc', 'precision']) expect(lowerIsBetter(m), m).toBe(false);
  });
});
