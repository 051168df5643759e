import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTs from 'eslint-config-next/typescript';

// Code that runs inside Temporal's workflow sandbox must stay deterministic: no Node modules, no I/O.
const sandboxed = ['workflows/pipeline.ts', 'workflows/plan.ts', 'workflows/catalog/**', 'workflows/compiler.ts', 'workflows/document.ts', 'workflows/canonical-json.ts'];

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
            { group: ['**/server/**', '**/db/**', '**/steps/*', '!**/steps/activities'], message: 'Workflows reach steps only through activities.' },
          ],
        },
      ],
    },
  },
  {
    files: ['workflows/pipeline.ts'],
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports' }],
    },
  },
];

export default config;
