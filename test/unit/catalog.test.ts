import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalog, catalogManifest, CATEGORIES, PORT_TYPES } from '../../workflows/steps/catalog';
import { loadStepActivities } from '../../workflows/engine/activities';

describe('step catalog', () => {
  it('is exactly the step folders: each with a definition and an activity, registered by its type name', () => {
    const stepsDir = path.resolve('workflows/steps');
    const folders = fs
      .readdirSync(stepsDir, { withFileTypes: true })
      .filter((e) => e.isDirectory() && fs.existsSync(path.join(stepsDir, e.name, 'definition.ts')))
      .map((e) => e.name)
      .sort();
    expect(folders.length).toBeGreaterThan(0);
    expect(folders).toEqual(Object.keys(catalog).sort());
    for (const type of folders) {
      expect(fs.existsSync(path.join(stepsDir, type, 'activity.ts')), `${type}/activity.ts`).toBe(true);
      expect(fs.readdirSync(path.join(stepsDir, type)).some((f) => f.endsWith('.test.ts')), `${type} has tests`).toBe(true);
    }
  });

  it('has an implementation, a title and help text for every step type', async () => {
    const stepActivities = await loadStepActivities();
    for (const [type, def] of Object.entries(catalog)) {
      expect(def.type).toBe(type);
      expect(stepActivities[type], type).toBeTypeOf('function');
      expect(def.title.length).toBeGreaterThan(2);
      expect(def.help.length, `${type} help`).toBeGreaterThan(40);
      expect(CATEGORIES.map((c) => c.id)).toContain(def.category);
      expect(type.startsWith(`${def.category}.`)).toBe(true);
      for (const port of [...Object.values(def.inputs), ...Object.values(def.outputs)]) {
        expect(PORT_TYPES).toContain(port.type);
      }
    }
    expect(Object.keys(stepActivities).sort()).toEqual(Object.keys(catalog).sort());
  });

  it('publishes a JSON Schema per step with defaults and widget hints for the inspector form', () => {
    const { steps } = catalogManifest();
    const forest = steps.find((s) => s.type === 'train.random_forest')!;
    const props = forest.paramsSchema.properties as Record<string, any>;
    expect(props.target.widget).toBe('column');
    expect(props.features.widget).toBe('columns');
    expect(props.trees.default).toBe(100);
    expect(forest.paramsSchema.required).toEqual(['target']);
    const ingest = steps.find((s) => s.type === 'ingest.dataset')!;
    expect((ingest.paramsSchema.properties as any).dataset.widget).toBe('dataset');
  });

  it('sends model fitting to the fit task queue and everything else to the default queue', () => {
    for (const def of Object.values(catalog)) {
      expect(def.queue).toBe(def.category === 'train' ? 'fit' : 'default');
    }
  });
});
