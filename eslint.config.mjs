import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTs from 'eslint-config-next/typescript';

// Code that runs inside Temporal's workflow sandbox must stay deterministic: no Node modules, no I/O.
// The layer rule as a whole is .dependency-cruiser.cjs.
const sandboxed = [
  'workflows/engine/pipeline.ts',
  'workflows/engine/approval.ts',
  'workflows/engine/step-cache.ts',
  'workflows/engine/triggers.ts',
  'workflows/engine/workflows.ts',
  'workflows/core/**',
  'workflows/steps/*/definition.ts',
  'workflows/steps/shared/**',
];

const config = [
  { ignores: ['.next/**', '.millrace/**', 'node_modules/**', 'next-env.d.ts', 'test-results/**'] },
  ...nextVitals,
  ...nextTs,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Pipeline parameters, SQL, expressions and uploads are data: nothing in Millrace runs text as JavaScript.
    rules: { 'no-eval': 'error', 'no-new-func': 'error', 'no-implied-eval': 'error' },
  },
  {
    // Starting processes and JavaScript VMs is for the launcher, set-up, the CLI's stack commands and the fitter glue.
    files: ['**/*.ts', '**/*.tsx', '**/*.mjs'],
    ignores: ['server/launcher/**', 'server/setup/**', 'server/infra/fitter.ts', 'server/cli/main.ts', 'test/**', 'workflows/steps/*/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['vm', 'node:vm', 'child_process', 'node:child_process'].map((name) => ({
            name,
            message: 'Only the launcher, set-up, the CLI and the fitter start processes; nothing runs code in a VM.',
          })),
        },
      ],
    },
  },
  {
    files: sandboxed,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*', 'fs', 'path', 'child_process', 'vm', 'os', 'crypto'], message: 'Sandboxed/isomorphic code may not use Node modules.' },
            { group: ['**/server/**', '**/db/**', '**/steps/kit/**', '**/activity'], message: 'Sandboxed and isomorphic code never reaches activities, infra or the db.' },
          ],
        },
      ],
    },
  },
  {
    files: ['workflows/engine/pipeline.ts', 'workflows/engine/triggers.ts'],
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports' }],
    },
  },
];

export default config;
