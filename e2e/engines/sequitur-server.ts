import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadConfig } from '../../server/src/config'
import { startServer, type RunningServer } from '../../server/src/server'

/** The real server on one port and one data dir, which a test can stop and start again (server down). */
export class SequiturServer {
  readonly dataDir = mkdtempSync(join(tmpdir(), 'sequitur-engines-'))
  port = 0
  private running: RunningServer | undefined

  /** Starts it (again): the first start picks a free port, later ones reuse that port and the data dir. */
  async start(): Promise<void> {
    this.running = await startServer(loadConfig({ PORT: String(this.port), HOST: '127.0.0.1', SEQUITUR_DATA_DIR: this.dataDir }), { log: () => {} })
    this.port = this.running.port
  }

  /** Whether it is running now. */
  get up(): boolean {
    return this.running !== undefined
  }

  async stop(): Promise<void> {
    await this.running?.close()
    this.running = undefined
  }

  /** Stops it and removes its data dir. */
  async dispose(): Promise<void> {
    await this.stop()
    rmSync(this.dataDir, { recursive: true, force: true })
  }

  get origin(): string {
    return `http://127.0.0.1:${this.port}`
  }
}
