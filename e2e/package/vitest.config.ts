import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

// The packed SDK in an outside app (npm run test:package): builds, packs and installs, so it runs apart
// from the unit tests.

export default defineConfig({
  // The test's own imports of the server resolve `@sequitur/sdk` to its sources (tsconfig.json `paths`).
  resolve: { tsconfigPaths: true },
  test: {
    root: fileURLToPath(new URL('../..', import.meta.url)),
    include: ['e2e/package/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    reporters: ['default'],
  },
})
