import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pythonExecutable } from '../../server/infra/python-paths';

// workflows/ml/fit.py turns text and boolean columns into the strings the Node side feeds the model
// (String(v)) once per distinct value, through Arrow's dictionary encoding. Held here against String(v)
// of every row, on columns in several chunks, dictionary columns, nulls, quotes and unicode.
const python = pythonExecutable(path.resolve(process.env.MILLRACE_PYTHON_VENV ?? '.millrace/python'));

const script = String.raw`
import json, sys
sys.path.insert(0, "workflows/ml")
import pyarrow as pa
import fit
fit.emit = lambda *a, **k: None
cols = {
    "text": pa.chunked_array([pa.array(["b", "a", None, 'say "hi"', "a"]), pa.array(["Zürich", None, "b", "", "naïve, café"])]),
    "flag": pa.chunked_array([pa.array([True, None, False, True, True]), pa.array([None, False, False, True, True])]),
    "dict": pa.chunked_array([pa.array(["x", "y", None, "x", "y"]).dictionary_encode(), pa.array(["w", "x", None, "w", "é"]).dictionary_encode()]),
}
table = pa.table(cols)
out = {}
for name in cols:
    kind = fit.kind_of(table.schema.field(name).type)
    task, classes, y, keep = fit.target_and_task(table, name, kind, "random_forest", "classification")
    out[name] = {
        "raw": table.column(name).to_pylist(),
        "series": fit.text_series(table, name).tolist(),
        "classes": classes,
        "y": y.tolist(),
        "keep": keep.tolist(),
    }
print(json.dumps(out))
`;

interface Column {
  raw: (string | boolean | null)[];
  series: (string | null)[];
  classes: string[];
  y: number[];
  keep: boolean[];
}

describe('fit.py text columns', () => {
  it('gives String(v) per row, and the class target as indices into the sorted distinct strings', () => {
    const columns = JSON.parse(execFileSync(python, ['-c', script], { encoding: 'utf8' })) as Record<string, Column>;
    expect(Object.keys(columns)).toEqual(['text', 'flag', 'dict']);
    for (const [name, c] of Object.entries(columns)) {
      const expected = c.raw.map((v) => (v === null ? null : String(v)));
      expect(c.series, name).toEqual(expected);
      const present = expected.filter((v): v is string => v !== null);
      // Sorted by code point, as Python sorts (every string here is in the Basic Multilingual Plane).
      expect(c.classes, name).toEqual([...new Set(present)].sort());
      expect(c.keep, name).toEqual(expected.map((v) => v !== null));
      expect(c.y.map((i) => c.classes[i]), name).toEqual(present);
    }
  });
});
