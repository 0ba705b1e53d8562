import { defineConfig } from 'vitest/config';
import { defaultServerConditions } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  cacheDir: '../../node_modules/.vite/libs/store',
  // Workspace libs resolve from source through the `@sipctx/source` export condition. Node tests run
  // in vite's SSR environment, so the condition goes on `ssr.resolve` too.
  resolve: { conditions: ['@sipctx/source'] },
  ssr: { resolve: { conditions: ['@sipctx/source', ...defaultServerConditions] } },
  test: {
    name: '@sipctx/store',
    watch: false,
    globals: false,
    environment: 'node',
    // Property tests run thousands of cases; a loaded 2-core CI machine needs more than 5 s.
    testTimeout: 30_000,
    include: ['src/**/*.{test,spec}.ts'],
    reporters: ['default', ['json', { outputFile: './test-output/vitest-report.json' }]],
    coverage: {
      enabled: true,
      provider: 'v8',
      reportsDirectory: './test-output/coverage',
      include: ['src/**/*.ts'],
      exclude: ['src/**/*.spec.ts', 'src/**/*.test.ts', 'src/testing/**', 'src/index.ts'],
      thresholds: { lines: 95, branches: 90 },
    },
  },
});
