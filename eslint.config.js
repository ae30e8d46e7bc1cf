// @ts-check
import tseslint from 'typescript-eslint';

/** The pure core (STYLE G2): no I/O, no SDKs, no shell around it. Every core block repeats these. */
const PURITY = [
  {
    group: ['node:*', 'fs', 'fs/*', 'http', 'https', 'net', 'child_process', 'os', 'path'],
    message: 'core/ is pure: no I/O (only core/policy/load.ts and core/config/load.ts read files).',
  },
  {
    group: ['@aws-sdk/*', '@azure/*', '@google-cloud/*', 'aws-cdk-lib', 'aws-cdk-lib/*'],
    message: 'core/ is pure: cloud SDKs belong in adapters/.',
  },
  {
    group: ['**/adapters/**', '**/functions/**', '**/cli/**', '**/infra/**'],
    message: 'core/ must not depend on the shell around it.',
  },
];

/**
 * Pipeline order (DESIGN.md §3, STYLE G1): a stage imports only the stages below it.
 *
 *   bottom   core/model/**, core/source/**, core/diagnostics.ts, core/errors.ts, core/ownership.ts
 *            (shared data, ids, keys, comparators, budgets, findings, YAML/diagnostic plumbing,
 *            error classes, ownership tags: what every stage and adapter may name)
 *   policy   core/policy/**, core/config/** (the deployment configuration, read beside the policy)
 *   compile  core/compile/**
 *   plan     core/plan/**
 *   verify   core/verify/**
 *
 * core/index.ts (the library entry) may import anything in core.
 */
const above = (...stages) => ({
  group: stages.map((s) => `**/${s}/**`),
  message: 'Pipeline order: model ← policy ← compile ← plan ← verify; import only from the stages below.',
});
const BOTTOM = [
  'core/model/**/*.ts',
  'core/source/**/*.ts',
  'core/diagnostics.ts',
  'core/errors.ts',
  'core/ownership.ts',
];
const LAYERS = [
  { files: BOTTOM, forbid: above('policy', 'compile', 'plan', 'verify') },
  { files: ['core/policy/**/*.ts', 'core/config/**/*.ts'], forbid: above('compile', 'plan', 'verify') },
  { files: ['core/compile/**/*.ts'], forbid: above('plan', 'verify') },
  { files: ['core/plan/**/*.ts'], forbid: above('verify') },
];

/**
 * What adapters may use of the core: its public types and entry points. Everything else is a
 * stage's internals (e.g. core/compile/aws-units.ts, the planners' helpers) that may change
 * shape with the fit; what adapters really need of them lives in core/model/native/*.
 *   core/model/**, core/source/**, core/diagnostics.ts, core/errors.ts, core/ownership.ts
 *   core/policy/labels.ts (normalizeLabels), core/policy/types.ts (Policy)
 *   core/compile/index.ts (compile, Desired)
 *   core/plan/index.ts, step.ts, step-base.ts, <cloud>-steps.ts (the step vocabulary)
 *   core/verify/index.ts
 */
const CORE_INTERNALS = {
  group: [
    '**/core/policy/**',
    '!**/core/policy/labels.ts',
    '!**/core/policy/types.ts',
    '**/core/compile/**',
    '!**/core/compile/index.ts',
    '**/core/plan/**',
    '!**/core/plan/index.ts',
    '!**/core/plan/step.ts',
    '!**/core/plan/step-base.ts',
    '!**/core/plan/*-steps.ts',
    '**/core/verify/**',
    '!**/core/verify/index.ts',
  ],
  message: "adapters/ use core's public surface only (eslint.config.js lists it); move what you need to core/model.",
};

export default tseslint.config(
  { ignores: ['node_modules/**', 'cdk.out/**', 'coverage/**', 'dist/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The pure core (DESIGN.md §3): no I/O, no SDKs, no clock, no environment, no locale.
    files: ['core/**/*.ts'],
    ignores: ['core/policy/load.ts', 'core/config/load.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: PURITY }],
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'core/ is pure: pass configuration in as arguments.' },
        { name: 'Date', message: 'core/ is pure: pass the current time in as an argument.' },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: 'core/ is deterministic.' },
        {
          property: 'localeCompare',
          message:
            'core/ output is deterministic: compare with core/model/compare.ts (code-unit order), not the locale.',
        },
      ],
    },
  },
  // One block per stage; a later block replaces the rule's options, so each repeats PURITY.
  ...LAYERS.map(({ files, forbid }) => ({
    files,
    ignores: ['core/policy/load.ts', 'core/config/load.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [...PURITY, forbid] }] },
  })),
  {
    // The two files allowed to read (STYLE G2: the policy's and the configuration's load.ts), still held to the pipeline order.
    files: ['core/policy/load.ts', 'core/config/load.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [above('compile', 'plan', 'verify')] }] },
  },
  {
    files: ['adapters/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [CORE_INTERNALS] }] },
  },
);
