import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { propertyShown, type JsonSchema } from '../../components/inspector/json-schema';
import { catalog } from '../../workflows/steps/catalog';

// List forms (a data check's expectations, impute's per-column rules) show a field only where it applies:
// the schema each step publishes says when, and the form reads it.

function itemProperties(type: string, list: string): Record<string, JsonSchema> {
  const params = z.toJSONSchema(catalog[type]!.params, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  return params.properties![list]!.items!.properties!;
}

const shown = (props: Record<string, JsonSchema>, item: Record<string, unknown>) =>
  Object.keys(props).filter((k) => item[k] !== undefined || propertyShown(props[k]!, item, props));

describe('fields shown in a list item', () => {
  const expectation = itemProperties('validate.data', 'expectations');

  it('shows for each data check only the fields it reads', () => {
    expect(shown(expectation, {})).toEqual(['check', 'column', 'severity']); // "not null" by default
    expect(shown(expectation, { check: 'row count' })).toEqual(['check', 'severity', 'min', 'max']);
    expect(shown(expectation, { check: 'in range' })).toEqual(['check', 'column', 'severity', 'min', 'max']);
    expect(shown(expectation, { check: 'in allowed values' })).toEqual(['check', 'column', 'severity', 'values']);
    expect(shown(expectation, { check: 'matches pattern' })).toEqual(['check', 'column', 'severity', 'pattern']);
    expect(shown(expectation, { check: 'column type' })).toEqual(['check', 'column', 'severity', 'type']);
    expect(shown(expectation, { check: 'fresh' })).toEqual(['check', 'column', 'severity', 'maxAgeHours']);
  });

  it('keeps a field that holds a value although the check no longer reads it, so nothing vanishes unseen', () => {
    expect(shown(expectation, { check: 'not null', min: 3 })).toEqual(['check', 'column', 'severity', 'min']);
  });

  it("shows impute's constant only for the constant strategy", () => {
    const rule = itemProperties('prepare.impute', 'columns');
    expect(shown(rule, {})).toEqual(['column', 'strategy']);
    expect(shown(rule, { strategy: 'median' })).toEqual(['column', 'strategy']);
    expect(shown(rule, { strategy: 'constant' })).toEqual(['column', 'strategy', 'value']);
  });
});
