/**
 * Settings every project's vitest.config.ts shares. Libraries are resolved from source through the
 * `@sipctx/source` export condition; node tests run in vite's SSR environment, so the condition must
 * be set on `ssr.resolve` (plain `resolve.conditions` is not enough).
 */
export declare const sourceConditions: {
    resolve: {
        conditions: string[];
    };
    ssr: {
        resolve: {
            conditions: string[];
        };
    };
};
//# sourceMappingURL=vitest.shared.d.ts.map