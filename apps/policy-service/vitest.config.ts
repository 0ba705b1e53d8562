import { defineConfig } from 'vitest/config';
import { defaultServerConditions } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  cacheDir: '../../node_modules/.vite/apps/policy-service',
  // Workspace libs resolve from source through the `@sipctx/source` export condition. Node tests run
  // in vite's SSR environment, so the condition goes on `ssr.resolve` too.
  resolve: { conditions: ['@sipctx/source'] },
  ssr: { resolve: { conditions: ['@sipctx/source', ...defaultServerConditions] } },
  test: {
    name: '@sipctx/policy-service',
    watch: false,
    globals: false,
    environment: 'node',
    include: ['src/**/*.{test,spec}.ts'],
    // The bin spec builds dist/ first (tsc --build), which takes a while on a cold cache.
    hookTimeout: 120_000,
    testTimeout: 30_000,
    reporters: ['default', ['json', { outputFile: './test-output/vitest-report.json' }]],
    coverage: {
      enabled: true,
      provider: 'v8',
      reportsDirectory: './test-output/coverage',
      include: ['src/**/*.ts'],
      exclude: ['src/**/*.spec.ts', 'src/**/*.test.ts', 'src/testing/**', 'src/main.ts'],
      thresholds: { lines: 85, branches: 80 },
    },
  },
});
