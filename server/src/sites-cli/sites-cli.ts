import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import type { SiteView } from '../sites'
import { siteFields, SITE_OPTIONS, UsageError, type SiteOptionValues } from './site-fields'
import { siteTable } from './site-table'
import { USAGE } from './usage'

/** Where the CLI reads its environment and writes its output; tests pass their own. */
export interface CliIo {
  env: Record<string, string | undefined>
  out: (text: string) => void
  err: (text: string) => void
  fetch?: typeof fetch
}

const COMMON = {
  url: { type: 'string' },
  token: { type: 'string' },
  'data-dir': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  'grace-seconds': { type: 'string' },
  ...SITE_OPTIONS,
} as const

/** Which options each command takes besides the connection options. */
const TAKES: Record<string, readonly string[]> = {
  add: Object.keys(SITE_OPTIONS).filter((o) => o !== 'any-origin' && o !== 'closed'),
  set: Object.keys(SITE_OPTIONS),
  list: [],
  show: [],
  'rotate-key': ['grace-seconds'],
  'rotate-secret': [],
  remove: [],
}
const CONNECTION = ['url', 'token', 'data-dir', 'json', 'help']

/** Runs `sequitur sites <argv>`; resolves with the exit code (0 done, 1 refused or unreachable, 2 usage). */
export async function runSitesCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    return await run(argv, io)
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`sites: ${error.message}\n(sequitur sites --help for usage)`)
      return 2
    }
    io.err(`sites: ${error instanceof Error ? error.message : String(error)}`)
    return 1
  }
}

async function run(argv: readonly string[], io: CliIo): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({ args: [...argv], options: COMMON, allowPositionals: true, strict: true })
  } catch (error) {
    throw new UsageError((error as Error).message)
  }
  const { values, positionals } = parsed
  const [command, site, ...extra] = positionals
  if (command === undefined || !(command in TAKES)) {
    if (values.help || command === undefined) return print(io, USAGE.main!)
    throw new UsageError(`unknown command ${JSON.stringify(command)}`)
  }
  if (values.help) return print(io, USAGE[command] ?? USAGE.main!)
  const given = Object.keys(values).filter((k) => !CONNECTION.includes(k))
  const wrong = given.find((k) => !TAKES[command]!.includes(k))
  if (wrong) throw new UsageError(`${command} does not take --${wrong}`)
  const needsSite = command !== 'list'
  if (needsSite && !site) throw new UsageError(`${command} needs a SITE`)
  if ((needsSite ? extra.length : site !== undefined ? 1 : 0) > 0) throw new UsageError(`${command}: unexpected ${JSON.stringify(needsSite ? extra[0] : site)}`)

  const base = (values.url ?? `http://localhost:${io.env.PORT || 8787}`).replace(/\/+$/, '')
  const token = values.token ?? (io.env.SEQUITUR_OPERATOR_TOKEN || readToken(values['data-dir'] ?? (io.env.SEQUITUR_DATA_DIR || './.sequitur')))
  const call = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const url = `${base}/v1/admin/sites${path}`
    let res: Response
    try {
      res = await (io.fetch ?? fetch)(url, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      })
    } catch (error) {
      throw new Error(`cannot reach ${base}: ${String((error as Error).cause ?? error)}`)
    }
    const text = await res.text()
    let answer: unknown = text
    try {
      answer = JSON.parse(text)
    } catch {
      // not JSON: shown as it came
    }
    if (!res.ok) {
      const { error, code, details } = (answer ?? {}) as { error?: string; code?: string; details?: unknown }
      const detail = details === undefined ? '' : `\n${JSON.stringify(details, null, 2)}`
      throw new Error(`${res.status} ${code ?? ''}: ${error ?? text}${detail}`)
    }
    return answer
  }
  const path = `/${encodeURIComponent(site ?? '')}`
  const options = values as SiteOptionValues & { 'grace-seconds'?: string }
  switch (command) {
    case 'add':
      return json(io, await call('POST', '', { site, ...siteFields(options) }))
    case 'set':
      return json(io, await call('PATCH', path, siteFields(options)))
    case 'list': {
      const { sites } = (await call('GET', '')) as { sites: SiteView[] }
      return values.json ? json(io, { sites }) : print(io, siteTable(sites))
    }
    case 'show':
      return json(io, await call('GET', path))
    case 'rotate-key': {
      const grace = options['grace-seconds']
      if (grace !== undefined && !/^\d+$/.test(grace)) throw new UsageError(`--grace-seconds must be a whole number, not ${JSON.stringify(grace)}`)
      return json(io, await call('POST', `${path}/rotate-key`, grace === undefined ? {} : { graceSeconds: Number(grace) }))
    }
    case 'rotate-secret':
      return json(io, await call('POST', `${path}/rotate-secret`, {}))
    default:
      return json(io, await call('DELETE', path))
  }
}

function readToken(dataDir: string): string {
  const file = join(resolve(dataDir), 'operator-token')
  if (!existsSync(file)) throw new UsageError(`no operator token: pass --token, set SEQUITUR_OPERATOR_TOKEN, or --data-dir of a server (${file} does not exist)`)
  return readFileSync(file, 'utf8').trim()
}

function print(io: CliIo, text: string): number {
  io.out(text)
  return 0
}

const json = (io: CliIo, value: unknown) => print(io, JSON.stringify(value, null, 2))
