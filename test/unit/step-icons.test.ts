import { Boxes, Database, Rocket, Scissors } from 'lucide-react';
import { describe, expect, it } from 'vitest';
import { categoryLook } from '../../components/canvas/port-style';
import { iconTypes, stepIcon } from '../../components/canvas/step-icons';
import { catalog } from '../../workflows/steps/catalog';

// The step library's types (issue 6), including those other folders add.
const LIBRARY = [
  'ingest.dataset', 'ingest.sample', 'ingest.url', 'validate.data',
  'prepare.select', 'prepare.filter', 'prepare.impute', 'prepare.encode', 'prepare.scale', 'prepare.derive', 'prepare.sql',
  'prepare.join', 'prepare.aggregate', 'prepare.dedupe', 'prepare.sample', 'prepare.cast', 'prepare.split',
  'train.linear_regression', 'train.logistic_regression', 'train.decision_tree', 'train.random_forest',
  'train.gradient_boosting', 'train.kmeans', 'train.tune', 'validate.evaluate', 'validate.compare', 'validate.gate',
  'deploy.endpoint', 'export.file',
];

describe('step icons', () => {
  it('gives every step of the library and of the catalog an icon of its own, distinct within its category', () => {
    expect([...iconTypes].sort()).toEqual(expect.arrayContaining([...LIBRARY, ...Object.keys(catalog)].sort()));
    const byCategory = new Map<string, Set<unknown>>();
    for (const type of iconTypes) {
      const category = type.split('.')[0]!;
      const seen = byCategory.get(category) ?? new Set();
      expect(seen.has(stepIcon(type)), `${type} shares its icon`).toBe(false);
      byCategory.set(category, seen.add(stepIcon(type)));
    }
  });

  it('falls back to the category icon for a type it does not know', () => {
    expect(stepIcon('prepare.something_new', 'prepare')).toBe(Scissors);
    expect(stepIcon('ingest.other')).toBe(Database);
    expect(stepIcon('deploy.batch')).toBe(Rocket);
    expect(stepIcon('nonsense')).toBe(Boxes);
    expect(categoryLook.prepare!.icon).toBe(Scissors);
  });
});
