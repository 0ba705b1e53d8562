import { defineConfig } from 'vitest/config';
import { sourceConditions } from '../../vitest.shared.ts';

export default defineConfig({
  root: import.meta.dirname,
  cacheDir: '../../node_modules/.vite/apps/cli',
  ...sourceConditions,
  test: {
    name: '@sipctx/cli',
    watch: false,
    globals: false,
    environment: 'node',
    include: ['src/**/*.{test,spec}.ts'],
    // The bin spec builds dist/ when it is missing, which takes a while on a cold cache.
    hookTimeout: 120_000,
    testTimeout: 30_000,
    reporters: ['default', ['json', { outputFile: './test-output/vitest-report.json' }]],
    coverage: {
      enabled: true,
      provider: 'v8',
      reportsDirectory: './test-output/coverage',
      include: ['src/**/*.ts'],
      exclude: ['src/**/*.spec.ts', 'src/**/*.test.ts', 'src/testing/**', 'src/main.ts'],
      thresholds: { lines: 90, branches: 90 },
    },
  },
});
