import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalog } from '../../workflows/steps/catalog';
import { compilePipeline, makeDatasetLookup } from '../../workflows/core/compiler';
import { parameterValueFromText, resolveParameterValues } from '../../workflows/core/parameters';

const example = JSON.parse(fs.readFileSync(path.resolve('server/examples/penguin-species.json'), 'utf8'));

/** The example with a threshold, a dataset and a date parameter, the gate and the load step bound to two of them. */
function withParameters() {
  const doc = structuredClone(example);
  doc.parameters = [
    { name: 'threshold', type: 'number', default: 0.9, description: 'Lowest accuracy that deploys' },
    { name: 'dataset', type: 'dataset', default: 'penguins' },
  ];
  doc.nodes.find((n: any) => n.id === 'gate').params.rules[0].value = { $param: 'threshold' };
  doc.nodes.find((n: any) => n.id === 'load').params.dataset = { $param: 'dataset' };
  return doc;
}

const node = (doc: any, id: string) => doc.nodes.find((n: any) => n.id === id);

const penguins = [
  { name: 'Species', type: 'VARCHAR' },
  { name: 'Bill Length (mm)', type: 'DOUBLE' },
];
const birds = [
  { name: 'Kind', type: 'VARCHAR' },
  { name: 'Wingspan', type: 'DOUBLE' },
];
const datasets = makeDatasetLookup([
  { name: 'penguins', version: 1, columns: penguins },
  { name: 'birds', version: 1, columns: birds },
]);

describe('pipeline parameters in the compiler', () => {
  it('substitutes the defaults into the plan and reports the values it used', () => {
    const result = compilePipeline(withParameters(), catalog);
    expect(result.errors).toEqual([]);
    expect(result.ok && result.parameters).toEqual({ threshold: 0.9, dataset: 'penguins' });
    const plain = compilePipeline(example, catalog);
    // Bound to defaults equal to the literal values, the plan is the same plan.
    expect(result.ok && plain.ok && result.plan.hash).toBe(plain.ok && plain.plan.hash);
  });

  it('substitutes the values given for a run, which change the plan', () => {
    const result = compilePipeline(withParameters(), catalog, { params: { threshold: 0.5 }, mode: 'run' });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.parameters).toEqual({ threshold: 0.5, dataset: 'penguins' });
    expect(result.plan.steps.find((s) => s.id === 'gate')!.params).toEqual({ rules: [{ metric: 'accuracy', op: '>=', value: 0.5 }] });
  });

  it('uses a dataset parameter’s value for design-time schemas (the dataset’s columns)', () => {
    const doc = withParameters();
    const a = compilePipeline(doc, catalog, { datasets });
    expect(a.schemas.load!.outputs.table).toEqual(penguins);
    // A run with another dataset checks the columns against that one: "Species" is not in "birds".
    const b = compilePipeline(doc, catalog, { datasets, params: { dataset: 'birds' }, mode: 'run' });
    expect(b.ok).toBe(false);
    expect(b.errors).toContainEqual(expect.objectContaining({ code: 'unknown_column', nodeId: 'split', path: 'params.stratifyBy' }));
  });

  it('refuses a number parameter where the step wants a column name, naming the node and parameter path', () => {
    const doc = withParameters();
    node(doc, 'train').params.target = { $param: 'threshold' };
    const result = compilePipeline(doc, catalog);
    expect(result.ok).toBe(false);
    expect(result.errors).toEqual([
      {
        code: 'parameter_type',
        nodeId: 'train',
        path: 'params.target',
        message: 'params.target takes a column name, but pipeline parameter "threshold" is a number',
      },
    ]);
  });

  it('refuses a text parameter where the step wants a number, inside a list item', () => {
    const doc = withParameters();
    doc.parameters.push({ name: 'label', type: 'string', default: 'x' });
    node(doc, 'gate').params.rules[0].value = { $param: 'label' };
    const result = compilePipeline(doc, catalog);
    expect(result.errors).toContainEqual(
      expect.objectContaining({ code: 'parameter_type', nodeId: 'gate', path: 'params.rules.0.value', message: expect.stringContaining('takes a number') }),
    );
  });

  it('accepts an integer parameter where a number is wanted, and a text parameter for a column', () => {
    const doc = withParameters();
    doc.parameters.push({ name: 'trees', type: 'integer', default: 30 }, { name: 'target', type: 'string', default: 'Species' });
    node(doc, 'train').params.trees = { $param: 'trees' };
    node(doc, 'train').params.target = { $param: 'target' };
    node(doc, 'split').params.testFraction = { $param: 'threshold' };
    doc.parameters[0].default = 0.25;
    node(doc, 'gate').params.rules[0].value = 0.9;
    const result = compilePipeline(doc, catalog);
    expect(result.errors).toEqual([]);
    expect(result.ok && result.plan.steps.find((s) => s.id === 'train')!.params).toMatchObject({ trees: 30, target: 'Species' });
  });

  it('refuses a reference to an undeclared parameter', () => {
    const doc = withParameters();
    node(doc, 'split').params.seed = { $param: 'seeed' };
    const result = compilePipeline(doc, catalog);
    expect(result.errors).toEqual([
      {
        code: 'unknown_parameter',
        nodeId: 'split',
        path: 'params.seed',
        message: 'No pipeline parameter is named "seeed" (parameters: "threshold", "dataset")',
      },
    ]);
  });

  it('warns about a declared parameter no step uses, and refuses duplicates and bad defaults', () => {
    const doc = withParameters();
    doc.parameters.push({ name: 'asOfDate', type: 'date', default: '2024-01-01' });
    const warned = compilePipeline(doc, catalog);
    expect(warned.ok).toBe(true);
    expect(warned.warnings).toContainEqual({ code: 'unused_parameter', path: 'parameters.2', message: 'Parameter "asOfDate" is declared but no step uses it' });

    doc.parameters.push({ name: 'threshold', type: 'number', default: 1 });
    doc.parameters[2].default = '01/02/2024';
    const refused = compilePipeline(doc, catalog);
    expect(refused.errors).toEqual([
      { code: 'invalid_parameter', path: 'parameters.2.default', message: 'The default of "asOfDate" Write a date as YYYY-MM-DD, got "01/02/2024"' },
      { code: 'invalid_parameter', path: 'parameters.3.name', message: 'Two parameters are named "threshold"' },
    ]);
  });

  it('refuses run values with an unknown name or the wrong type, saying which', () => {
    const result = compilePipeline(withParameters(), catalog, { params: { threshold: 'high', treshold: 1 }, mode: 'run' });
    expect(result.ok).toBe(false);
    expect(result.errors).toEqual([
      { code: 'invalid_parameter_value', path: 'parameters.threshold', message: 'Parameter "threshold" must be a number, got "high"' },
      { code: 'unknown_parameter', path: 'parameters.treshold', message: 'The pipeline has no parameter "treshold" (parameters: "threshold", "dataset")' },
    ]);
  });

  it('needs a value for a parameter without default at run time, and leaves its nodes unchecked before', () => {
    const doc = withParameters();
    delete doc.parameters[0].default;
    const saved = compilePipeline(doc, catalog);
    expect(saved.errors).toEqual([]);
    const run = compilePipeline(doc, catalog, { mode: 'run' });
    expect(run.errors).toEqual([{ code: 'missing_parameter_value', path: 'parameters.threshold', message: 'Parameter "threshold" has no default: give it a value' }]);
    const given = compilePipeline(doc, catalog, { mode: 'run', params: { threshold: 0.7 } });
    expect(given.ok).toBe(true);
  });

  it('still checks the substituted value against the step’s own rules', () => {
    const doc = withParameters();
    node(doc, 'split').params.testFraction = { $param: 'threshold' };
    node(doc, 'gate').params.rules[0].value = 0.9;
    const result = compilePipeline(doc, catalog, { params: { threshold: 2 }, mode: 'run' });
    expect(result.errors).toContainEqual(expect.objectContaining({ code: 'invalid_params', nodeId: 'split', path: 'params.testFraction' }));
  });

  it('refuses an unknown parameter type in the declaration', () => {
    const doc = withParameters();
    doc.parameters[0].type = 'money';
    const result = compilePipeline(doc, catalog);
    expect(result.errors[0]).toMatchObject({ code: 'invalid_document', path: 'parameters.0.type' });
  });
});

describe('parameter values from text (CLI, forms)', () => {
  it('parses each type, leaving bad text for the checks to name', () => {
    const declarations = [
      { name: 'n', type: 'number' as const },
      { name: 'i', type: 'integer' as const },
      { name: 'b', type: 'boolean' as const },
      { name: 't', type: 'timestamp' as const },
    ];
    const given = { n: parameterValueFromText('number', '0.5'), i: parameterValueFromText('integer', '3'), b: parameterValueFromText('boolean', 'true'), t: parameterValueFromText('timestamp', '2024-01-01T06:00:00Z') };
    expect(resolveParameterValues(declarations, given)).toEqual({ values: { n: 0.5, i: 3, b: true, t: '2024-01-01T06:00:00Z' }, issues: [] });
    const bad = resolveParameterValues(declarations, { i: parameterValueFromText('integer', '2.5'), b: parameterValueFromText('boolean', 'maybe') });
    expect(bad.issues.map((i) => i.message)).toEqual([
      'Parameter "i" must be a whole number, got "2.5"',
      'Parameter "b" must be true or false, got "maybe"',
    ]);
  });
});
