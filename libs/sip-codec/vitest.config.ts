import { defineConfig } from 'vitest/config';
import { sourceConditions } from '../../vitest.shared.ts';

export default defineConfig({
  root: import.meta.dirname,
  cacheDir: '../../node_modules/.vite/libs/sip-codec',
  ...sourceConditions,
  test: {
    name: '@sipctx/sip-codec',
    watch: false,
    globals: false,
    environment: 'node',
    include: ['src/**/*.{test,spec}.ts'],
    reporters: ['default', ['json', { outputFile: './test-output/vitest-report.json' }]],
    coverage: {
      enabled: true,
      provider: 'v8',
      reportsDirectory: './test-output/coverage',
      include: ['src/**/*.ts'],
      exclude: ['src/**/*.spec.ts', 'src/**/*.test.ts', 'src/testing/**', 'src/index.ts'],
      thresholds: { lines: 95, branches: 95 },
    },
  },
});
