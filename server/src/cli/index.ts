/** The `sequitur` command line: one program, a subcommand per tool. */
export { COMMANDS, type Command } from './commands'
export { progressLine, type Progress, type ProgressOptions } from './progress'
export { CLI_USAGE, runCli, type CliOutcome, type RunCliIo } from './run-cli'
export { runStart } from './start'
export { START_FLAGS, START_USAGE, startEnv } from './start-flags'
export { UsageError } from './usage-error'
