import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

// The browser suites on the three engines (npm run test:engines). One file at a time: the machine has two
// shared cores and each file starts its own browser, server and proxy.

export default defineConfig({
  // `@sequitur/sdk` from its sources (tsconfig.json `paths`), as the unit tests do.
  resolve: { tsconfigPaths: true },
  test: {
    root: fileURLToPath(new URL('../..', import.meta.url)),
    include: ['e2e/engines/*.engine.ts'],
    globalSetup: ['e2e/engines/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 90_000,
    hookTimeout: 90_000,
    reporters: ['default'],
  },
})
