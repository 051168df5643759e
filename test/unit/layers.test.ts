import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { cruise, type ICruiseResult } from 'dependency-cruiser';
import { afterAll, describe, expect, it } from 'vitest';

// The layer rule of DESIGN.md, enforced by .dependency-cruiser.cjs: here on the real tree, and on a
// small tree that breaks each rule once, so a rule that stopped matching would be noticed.
const config = createRequire(import.meta.url)(path.resolve('.dependency-cruiser.cjs'));

async function violations(baseDir: string, dirs: string[]) {
  const cwd = process.cwd();
  process.chdir(baseDir);
  try {
    const out = await cruise(
      dirs,
      { validate: true, ruleSet: { forbidden: config.forbidden }, ...config.options, tsConfig: undefined },
      { extensions: ['.ts', '.tsx'] },
    );
    const result = out.output as ICruiseResult;
    // Every module was read (an unresolvable import would hide a violation).
    expect(result.summary.totalCruised).toBeGreaterThan(dirs.length);
    const unresolved = result.modules.flatMap((m) => m.dependencies.filter((d) => d.couldNotResolve && d.module.startsWith('.')).map((d) => `${m.source} → ${d.module}`));
    expect(unresolved.filter((u) => !u.includes('${'))).toEqual([]);
    return result.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`);
  } finally {
    process.chdir(cwd);
  }
}

const probeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'millrace-layers-'));
afterAll(() => fs.rmSync(probeDir, { recursive: true, force: true }));

function write(file: string, text: string) {
  fs.mkdirSync(path.dirname(path.join(probeDir, file)), { recursive: true });
  fs.writeFileSync(path.join(probeDir, file), text);
}

describe('layers', () => {
  it('the source tree has no import that reaches up or sideways', async () => {
    expect(await violations(process.cwd(), ['app', 'components', 'db', 'server', 'workflows'])).toEqual([]);
  });

  it('flags each kind of wrong import', async () => {
    write('workflows/core/compiler.ts', "import { x } from '../../server/infra/duckdb';\nimport fs from 'node:fs';\nexport const c = [x, fs];\n");
    write('server/infra/duckdb.ts', "import { s } from '../services/runs';\nexport const x = s;\n");
    write('server/services/runs.ts', "import { w } from '../../workflows/engine/pipeline';\nimport a from '../../workflows/steps/split/activity';\nexport const s = [w, a];\n");
    write('workflows/engine/pipeline.ts', "import { s } from '../../server/services/runs';\nexport const w = s;\n");
    write('workflows/steps/split/activity.ts', "import { w } from '../../engine/pipeline';\nexport default w;\n");
    write('workflows/steps/split/definition.ts', "import a from './activity';\nexport default a;\n");
    write('components/editor.tsx', "import { x } from '../server/infra/duckdb';\nimport type { R } from '../server/trpc/router';\nexport const e: R = x;\n");
    write('server/trpc/router.ts', 'export type R = unknown;\n');
    const found = await violations(probeDir, ['components', 'server', 'workflows']);
    const rules = new Set(found.map((f) => f.split(':')[0]));
    expect([...rules].sort()).toEqual([
      'activities-stay-below-engine-and-web',
      'core-is-the-bottom',
      'definitions-import-core-only',
      'engine-knows-plans-and-activities',
      'infra-and-db-import-core-only',
      'isomorphic-no-node',
      'ui-types-only-from-trpc-router',
      'ui-uses-core-definitions-and-trpc-types',
      'web-never-reaches-engine-or-activities',
    ]);
    // The UI's type-only import of the tRPC router is allowed.
    expect(found.filter((f) => f.includes('trpc/router'))).toEqual([]);
  });
});
