import { describe, expect, it } from 'vitest'
import { loadConfig } from '../config'
import { START_FLAGS, startEnv } from './start-flags'
import { UsageError } from './usage-error'

describe('startEnv', () => {
  it('sets the variable of each flag given, over the environment, and keeps the others', () => {
    const { env, flags } = startEnv(['--port', '9001', '--data-dir', '/tmp/x', '--debug-stages'], { PORT: '8000', SEQUITUR_SITES: 'a,b' })
    expect(env).toMatchObject({ PORT: '9001', SEQUITUR_DATA_DIR: '/tmp/x', SEQUITUR_DEBUG_STAGES: '1', SEQUITUR_SITES: 'a,b' })
    expect(flags).toEqual({ PORT: '--port', SEQUITUR_DATA_DIR: '--data-dir', SEQUITUR_DEBUG_STAGES: '--debug-stages' })
    expect(loadConfig(env, flags)).toMatchObject({ port: 9001, dataDir: '/tmp/x', sites: ['a', 'b'], debugStages: true })
  })

  it('names the flag of a bad value', () => {
    const { env, flags } = startEnv(['--role', 'edge'], {})
    expect(() => loadConfig(env, flags)).toThrow('SEQUITUR_ROLE="edge" (--role): needs SEQUITUR_KAFKA_BROKERS')
  })

  it('refuses unknown options, positionals and a missing value', () => {
    for (const argv of [['--nope'], ['extra'], ['--port'], ['--admin-secret', 'x'.repeat(20)]]) expect(() => startEnv(argv, {}), argv.join(' ')).toThrow(UsageError)
  })

  it('has a flag for every variable but the secrets', () => {
    expect(START_FLAGS.map((f) => f.variable)).not.toContain('SEQUITUR_ADMIN_SECRET')
    expect(new Set(START_FLAGS.map((f) => f.variable)).size).toBe(START_FLAGS.length)
    expect(startEnv(['--help'], {}).help).toBe(true)
  })
})
