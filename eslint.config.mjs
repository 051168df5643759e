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
    files: sandboxed,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*', 'fs', 'path', 'child_process', 'os', 'crypto'], message: 'Sandboxed/isomorphic code may not use Node modules.' },
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
