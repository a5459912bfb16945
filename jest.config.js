// One `npm test` runs two projects: fast unit tests (no network) and integration tests against
// real Postgres, Redis and an SNS/SQS endpoint, provided by test/integration/globalSetup.ts.
const swcTransform = [
  '@swc/jest',
  {
    jsc: { target: 'es2023', parser: { syntax: 'typescript' } },
    // Keep `import()` native so ESM-only packages (fauxqs) load in globalSetup.
    module: { type: 'commonjs', ignoreDynamic: true },
  },
];

// Prisma's generated client loads its wasm query compiler with import(); under Jest's vm that needs
// --experimental-vm-modules unless compiled to require(), so these files get the default swc handling.
const generatedPrismaTransform = [
  '@swc/jest',
  { jsc: { target: 'es2023', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } },
];

// ESM-only dependencies that Jest's CommonJS runtime needs transformed (cookie: via light-my-request, which
// app.inject and @fastify/aws-lambda use; @scalar and github-slugger: the API reference at /docs).
const esmPackages = ['uuid', 'jose', 'cookie', '@scalar', 'github-slugger', 'pathe'];

const common = {
  testEnvironment: 'node',
  transform: {
    '/generated/prisma/.+\\.ts$': generatedPrismaTransform,
    '^.+\\.(t|j)sx?$': swcTransform,
    '^.+\\.mjs$': swcTransform,
  },
  transformIgnorePatterns: [`/node_modules/(?!(${esmPackages.join('|')})/)`],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/.serverless/'],
};

/** @type {import('jest').Config} */
module.exports = {
  reporters: ['default', '<rootDir>/test/summaryReporter.js'],
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/**/*.test.ts'],
      testPathIgnorePatterns: [...common.testPathIgnorePatterns, '\\.int\\.test\\.ts$'],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/**/*.int.test.ts'],
      globalSetup: '<rootDir>/test/integration/globalSetup.ts',
      globalTeardown: '<rootDir>/test/integration/globalTeardown.ts',
      slowTestThreshold: 30,
    },
  ],
};
