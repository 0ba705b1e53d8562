import { defaultServerConditions } from 'vite';

/**
 * Settings every project's vitest.config.ts shares. Libraries are resolved from source through the
 * `@sipctx/source` export condition; node tests run in vite's SSR environment, so the condition must
 * be set on `ssr.resolve` (plain `resolve.conditions` is not enough).
 */
export const sourceConditions = {
  resolve: { conditions: ['@sipctx/source'] },
  ssr: { resolve: { conditions: ['@sipctx/source', ...defaultServerConditions] } },
};
