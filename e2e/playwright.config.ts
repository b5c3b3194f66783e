import { defineConfig } from '@playwright/test'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** The port of the server the tests start; override with SEQUITUR_E2E_PORT. */
const port = Number(process.env.SEQUITUR_E2E_PORT ?? 38787)
const url = `http://localhost:${port}`
const dataDir = join(tmpdir(), `sequitur-e2e-${port}`)

export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.ts',
  outputDir: '../test-results',
  fullyParallel: false,
  workers: 1,
  timeout: 60_000,
  reporter: [['list']],
  use: {
    baseURL: url,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.SEQUITUR_CHROMIUM ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
  },
  webServer: [
    {
      command: `rm -rf "${dataDir}" && node --import tsx server/src/main.ts`,
      cwd: '..',
      url: `${url}/healthz`,
      reuseExistingServer: false,
      timeout: 30_000,
      env: { PORT: String(port), SEQUITUR_DATA_DIR: dataDir, SEQUITUR_OPERATOR_TOKEN: 'e2e-operator-token-0123456789' },
      stdout: 'ignore',
      stderr: 'pipe',
    }
  ],
})
