import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: import.meta.dirname,
  cacheDir: '../node_modules/.vite/test',
  test: {
    name: '@sipctx/e2e',
    watch: false,
    environment: 'node',
    include: ['**/*.e2e.ts'],
    testTimeout: 30_000,
    reporters: ['default', ['json', { outputFile: './test-output/vitest-report.json' }]],
  },
});
