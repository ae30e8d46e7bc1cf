// @ts-check
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'cdk.out/**', 'coverage/**', 'dist/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The pure core (DESIGN.md §3): no I/O, no SDKs, no clock, no environment.
    files: ['core/**/*.ts'],
    ignores: ['core/policy/load.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', 'fs', 'fs/*', 'http', 'https', 'net', 'child_process', 'os', 'path'],
              message: 'core/ is pure: no I/O (only core/policy/load.ts reads files).',
            },
            {
              group: ['@aws-sdk/*', '@azure/*', '@google-cloud/*', 'aws-cdk-lib', 'aws-cdk-lib/*'],
              message: 'core/ is pure: cloud SDKs belong in adapters/.',
            },
            {
              group: ['**/adapters/**', '**/functions/**', '**/cli/**', '**/infra/**'],
              message: 'core/ must not depend on the shell around it.',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'core/ is pure: pass configuration in as arguments.' },
        { name: 'Date', message: 'core/ is pure: pass the current time in as an argument.' },
      ],
      'no-restricted-properties': ['error', { object: 'Math', property: 'random', message: 'core/ is deterministic.' }],
    },
  },
);
