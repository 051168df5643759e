import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { pythonExecutable } from '../../server/infra/python-paths';
import { quoteLiteral, withDuckDb } from '../../server/infra/duckdb';

// Reference computations for step tests: the same transformation written in pandas, run in the project's venv.

const python = pythonExecutable(path.resolve(process.env.MILLRACE_PYTHON_VENV ?? '.millrace/python'));

/**
 * The end of a reference script that read Parquet: out at once once the answer is written, since pyarrow's
 * thread pools can abort the interpreter's teardown on a loaded machine ("terminate called without an
 * active exception").
 */
export const EXIT_AT_ONCE = 'import os, sys\nsys.stdout.flush()\nos._exit(0)';

/**
 * Runs `script` with pandas imported as pd and `args` (JSON) bound; the script sets `out`, which comes
 * back as JSON (a DataFrame as its records, NaN as null).
 */
export function pandas<T = unknown>(script: string, args: Record<string, unknown> = {}): T {
  const program = [
    'import json, sys, math',
    'import pandas as pd',
    'import numpy as np',
    'args = json.loads(sys.stdin.read())',
    'out = None',
    script,
    'if isinstance(out, pd.DataFrame):',
    '    out = {"columns": [str(c) for c in out.columns], "rows": json.loads(out.to_json(orient="values", date_format="iso"))}',
    'sys.stdout.write(json.dumps(out))',
    EXIT_AT_ONCE,
  ].join('\n');
  return JSON.parse(execFileSync(python, ['-c', program], { input: JSON.stringify(args) }).toString()) as T;
}

/** The example table step tests share: nulls, quotes, unicode, names with spaces and parentheses. */
export function writePenguinFixture(file: string): void {
  pandas(
    `
df = pd.DataFrame({
    'Island (name)': ['Biscoe', 'Dream', None, 'Torgersen "T"', "O'Brien", 'Ærø', 'Dream', 'Biscoe'],
    'Beak Length (mm)': [39.1, None, 40.3, 36.7, 39.3, 38.9, 41.1, float('nan')],
    'note': ['a "quoted" word', "it's", None, 'ünïcødé ✓', '', 'x', 'line\\nbreak', '😀 emoji'],
    'n': pd.array([1, 2, None, 4, 5, 6, 7, 8], dtype='Int64'),
})
df.to_parquet(args['file'], index=False)
`,
    { file },
  );
}

/** A Parquet file's columns and rows as plain values (numbers as numbers, NULL as null), in file order. */
export async function readTable(file: string): Promise<{ columns: string[]; rows: unknown[][] }> {
  return withDuckDb(async (conn) => {
    const reader = await conn.runAndReadAll(`SELECT * FROM read_parquet(${quoteLiteral(file)})`);
    const rows = reader.getRowsJS().map((row) => row.map((v) => (typeof v === 'bigint' ? Number(v) : v)));
    return { columns: reader.columnNames(), rows };
  });
}
