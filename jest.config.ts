import type { Config } from 'jest';

const config: Config = {
  testEnvironment: 'node',
  roots: ['<rootDir>/spec'],
  testMatch: ['**/*.spec.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', isolatedModules: false }],
  },
  collectCoverageFrom: ['lib/**/*.ts', 'example-app/**/*.ts', '!lib/cli/main.ts', '!example-app/main.ts'],
  coverageReporters: ['text-summary', 'lcov'],
  testTimeout: 20000,
};

export default config;
