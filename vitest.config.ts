import { defineConfig } from 'vitest/config'

export default defineConfig({
  // `@sequitur/sdk` from its sources (tsconfig.json `paths`), not from the package's built dist/.
  resolve: { tsconfigPaths: true },
  test: {
    include: ['sdk/src/**/*.test.ts', 'react/src/**/*.test.{ts,tsx}', 'server/src/**/*.test.ts', 'server/dev/**/*.test.ts', 'demo/src/**/*.test.ts'],
    testTimeout: 20_000,
  },
})
