// One lint setup for the whole monorepo; turbo runs it per package (and once for the root scripts).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

// Module boundaries (no-restricted-imports; a later config replaces an earlier one's options for a file, so
// each file set below lists every pattern that applies to it).
const sharedOnlyThroughEntries = [
  {
    regex: '^@platform/shared(/src(/.*)?)?$',
    message:
      'Import @platform/shared through its subpath entries (@platform/shared/http, /events, …; see shared/package.json exports).',
  },
  {
    regex: '^(\\.\\./)+(.*/)?shared/src(/|$)',
    message: 'Import @platform/shared through its subpath entries, not by a relative path into shared/src.',
  },
];
const noOtherWorkspaceByPath = [
  {
    regex: '^(\\.\\./)+(.*/)?[a-z]+-service(/|$)',
    message: 'A service never reaches into another service; what both need belongs in @platform/shared.',
  },
];
const prismaOnlyThroughDatabase = [
  {
    regex: '(^|/)generated/',
    message: 'The generated Prisma client is reached through src/infrastructure/database.ts (it re-exports the types).',
  },
];
const noTestCodeInProduction = [
  {
    regex: '(^|/)test(/|$)|\\.test$|^@platform/shared/(testing|topology/render)$',
    message:
      'Production code never imports tests, test helpers or the topology renderers (they stay out of the bundles).',
  },
];
const noCompositionRootFromModules = [
  {
    regex: '^(\\.\\./)+(app|server|lambda|routes)$',
    message:
      'Modules and infrastructure are wired by the composition root (app.ts) and never import it or an entry point.',
  },
];
const noRenderersInSharedRuntime = [
  {
    regex: '(^|/)(testing|render|provisionTopology|renderCloudFormation|renderLocalstackHook)(/|$)',
    message:
      "shared's runtime concerns never import the topology renderings or the test helpers (the bundles would carry them).",
  },
];
// A module (services/*/src/modules/<name>/) is reached through its index.ts, the API it chooses to export.
const modulesOnlyThroughIndex = [
  {
    regex: '(^|/)modules/[^/]+/.+',
    message: "Import a module through its index (e.g. './modules/profiles'), not one of its files.",
  },
];
const noSiblingModuleInternals = [
  {
    regex: '^\\.\\./[^./][^/]*/.+',
    message: "Reach another module through its index (e.g. '../profiles'), not one of its files.",
  },
];
const restrict = (...groups) => ({ 'no-restricted-imports': ['error', { patterns: groups.flat() }] });
const serviceTests = ['services/*/src/**/*.test.ts', 'services/*/test/**'];

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/generated/**',
      '**/.serverless/**',
      '**/coverage/**',
      '**/.turbo/**',
      '.dev/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-console': 'off',
    },
  },
  {
    files: ['scripts/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: restrict(sharedOnlyThroughEntries),
  },
  {
    files: ['services/**/*.ts'],
    rules: restrict(
      sharedOnlyThroughEntries,
      noOtherWorkspaceByPath,
      prismaOnlyThroughDatabase,
      modulesOnlyThroughIndex,
    ),
  },
  {
    files: ['services/*/src/**/*.ts'],
    ignores: serviceTests,
    rules: restrict(
      sharedOnlyThroughEntries,
      noOtherWorkspaceByPath,
      prismaOnlyThroughDatabase,
      noTestCodeInProduction,
      modulesOnlyThroughIndex,
    ),
  },
  {
    files: ['services/*/src/infrastructure/**/*.ts'],
    rules: restrict(
      sharedOnlyThroughEntries,
      noOtherWorkspaceByPath,
      prismaOnlyThroughDatabase,
      noTestCodeInProduction,
      noCompositionRootFromModules,
      modulesOnlyThroughIndex,
    ),
  },
  {
    files: ['services/*/src/modules/**/*.ts'],
    rules: restrict(
      sharedOnlyThroughEntries,
      noOtherWorkspaceByPath,
      prismaOnlyThroughDatabase,
      noTestCodeInProduction,
      noCompositionRootFromModules,
      modulesOnlyThroughIndex,
      noSiblingModuleInternals,
    ),
  },
  {
    files: ['services/*/src/infrastructure/**/*.test.ts'],
    rules: restrict(
      sharedOnlyThroughEntries,
      noOtherWorkspaceByPath,
      prismaOnlyThroughDatabase,
      noCompositionRootFromModules,
      modulesOnlyThroughIndex,
    ),
  },
  {
    files: ['services/*/src/modules/**/*.test.ts'],
    rules: restrict(
      sharedOnlyThroughEntries,
      noOtherWorkspaceByPath,
      prismaOnlyThroughDatabase,
      noCompositionRootFromModules,
      modulesOnlyThroughIndex,
      noSiblingModuleInternals,
    ),
  },
  {
    files: ['services/*/src/infrastructure/database.ts'],
    rules: restrict(
      sharedOnlyThroughEntries,
      noOtherWorkspaceByPath,
      noTestCodeInProduction,
      noCompositionRootFromModules,
      modulesOnlyThroughIndex,
    ),
  },
  {
    files: ['shared/src/**/*.ts'],
    ignores: ['shared/src/testing/**', 'shared/src/topology/render/**'],
    rules: restrict(noRenderersInSharedRuntime),
  },
  {
    files: ['**/*.cjs', '**/*.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: globals.node,
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
