import { defineConfig } from 'vitest/config';

// MILLRACE_TEST_UNIT_ONLY=1 runs only test/unit, without starting the stack
// (e.g. `MILLRACE_TEST_UNIT_ONLY=1 npx vitest run`).
const unitOnly = process.env.MILLRACE_TEST_UNIT_ONLY === '1';

export default defineConfig({
  test: {
    // Each step folder carries its own tests (workflows/steps/<type>/*.test.ts): unit tests of its definition and,
    // where it is pure table work, of its DuckDB SQL.
    include: unitOnly ? ['test/unit/**/*.test.ts', 'workflows/steps/**/*.test.ts'] : ['test/**/*.test.ts', 'workflows/steps/**/*.test.ts'],
    exclude: ['**/node_modules/**', '.millrace/**', '.next/**'],
    environment: 'node',
    pool: 'forks',
    // One stack serves every file: run files one at a time.
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 600_000,
    teardownTimeout: 120_000,
    globalSetup: unitOnly ? [] : ['test/support/global-setup.ts'],
    // Bare fetches to the test stack carry the test admin's API token (test/support/auth-fetch.ts).
    setupFiles: unitOnly ? [] : ['test/support/auth-fetch.ts'],
  },
});
