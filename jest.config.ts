import type { Config } from 'jest';

const config: Config = {
  testEnvironment: 'node',
  roots: ['<rootDir>/spec'],
  testMatch: ['**/*.spec.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: { ignoreCodes: [151002] } }],
    // jwks-rsa requires jose, which is ESM only: Node (>= 20.19) loads it through require(esm), Jest
    // cannot, so Jest compiles jose to CommonJS (transpile only).
    '^.+/node_modules/jose/.+\\.js$': [
      'ts-jest',
      { tsconfig: { allowJs: true, module: 'commonjs', moduleResolution: 'node', target: 'ES2022' }, isolatedModules: true },
    ],
  },
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
  collectCoverageFrom: ['lib/**/*.ts', 'example-app/**/*.ts', '!lib/cli/main.ts', '!example-app/main.ts'],
  coverageReporters: ['text-summary', 'lcov'],
  testTimeout: 20000,
  // Finds a MongoDB for the Mongo adapter's contract suite (MONGODB_URI or mongodb-memory-server), or why not.
  globalSetup: '<rootDir>/spec/support/mongo-global-setup.ts',
  globalTeardown: '<rootDir>/spec/support/mongo-global-teardown.ts',
};

export default config;
