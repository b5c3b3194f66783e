import { COMMANDS, type Command } from './commands'
import { UsageError } from './usage-error'

/** The help of `sequitur`. */
export const CLI_USAGE = `usage: sequitur <command> [options]

commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(10)} ${c.summary}`).join('\n')}

  sequitur <command> --help   a command's options (also: sequitur help <command>)
  sequitur --version          the version

Every option of start also reads from its environment variable (PORT, SEQUITUR_DATA_DIR, ...).
Exit codes: 0 done, 1 failed, 2 wrong usage (an unknown command or option, a bad value).`

/** Where the CLI writes its own messages; tests pass their own. */
export interface RunCliIo {
  out: (text: string) => void
  err: (text: string) => void
  version: string
}

/** What `runCli` ended with: the exit code, and whether the command keeps the process running. */
export interface CliOutcome {
  code: number
  serves: boolean
}

/** Runs `sequitur <argv>`: picks the subcommand, runs it, and maps what fails to an exit code. */
export async function runCli(argv: readonly string[], io: RunCliIo): Promise<CliOutcome> {
  const [first, ...rest] = argv
  const done = (code: number): CliOutcome => ({ code, serves: false })
  if (first === undefined) {
    io.err(CLI_USAGE)
    return done(2)
  }
  if (first === '--help' || first === '-h') {
    io.out(CLI_USAGE)
    return done(0)
  }
  if (first === '--version' || first === '-v') {
    io.out(io.version)
    return done(0)
  }
  let command: Command | undefined
  let args = rest
  if (first === 'help') {
    command = rest[0] === undefined ? undefined : find(rest[0])
    if (rest[0] === undefined) {
      io.out(CLI_USAGE)
      return done(0)
    }
    args = ['--help']
  } else {
    command = find(first)
  }
  if (!command) {
    const what = first === 'help' ? rest[0]! : first
    const kind = what.startsWith('-') ? 'option' : 'command'
    io.err(`sequitur: unknown ${kind} ${JSON.stringify(what)}; the commands are ${COMMANDS.map((c) => c.name).join(', ')} (sequitur --help)`)
    return done(2)
  }
  try {
    const run = await command.load()
    const code = await run(args)
    return { code, serves: Boolean(command.serves) && code === 0 }
  } catch (error) {
    if (isUsageError(error)) {
      io.err(`sequitur ${command.name}: ${(error as Error).message}\n(sequitur ${command.name} --help for usage)`)
      return done(2)
    }
    io.err(`sequitur ${command.name}: ${error instanceof Error ? error.message : String(error)}`)
    return done(1)
  }
}

/** A mistake on the command line: ours, or one `util.parseArgs` found (an unknown option, a missing value). */
function isUsageError(error: unknown): boolean {
  if (error instanceof UsageError) return true
  const code = (error as { code?: unknown } | undefined)?.code
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_')
}

function find(name: string): Command | undefined {
  return COMMANDS.find((c) => c.name === name)
}
