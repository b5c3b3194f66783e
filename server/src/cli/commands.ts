/** A subcommand of `sequitur`. */
export interface Command {
  name: string
  /** One line for `sequitur --help`. */
  summary: string
  /** True when the command keeps the process running after it resolves (a server, a broker). */
  serves?: boolean
  /** Loads the command's module (only the one that runs is loaded) and returns its runner. */
  load(): Promise<(argv: readonly string[]) => Promise<number>>
}

/** Every subcommand, in the order `sequitur --help` lists them. */
export const COMMANDS: readonly Command[] = [
  { name: 'start', summary: 'run the server (embedded mode, or Kafka mode with --kafka-brokers)', serves: true, load: async () => (await import('./start')).runStart },
  { name: 'sites', summary: 'add, list, change, rotate keys of and remove sites of a running server', load: async () => sitesRunner(await import('../sites-cli')) },
  { name: 'bootstrap', summary: 'load timestamped click logs into a running server, in event time', load: async () => (await import('../history/bootstrap-cli')).runBootstrap },
  { name: 'eval', summary: 'evaluate the model offline against baselines (HR@k, MRR@k, AUC, coverage)', load: async () => (await import('../eval/cli')).runEval },
  { name: 'fuzz', summary: 'the long seeded fuzz run against a server of its own', load: async () => (await import('../fuzz/cli')).runFuzzCli },
  { name: 'kafka', summary: 'development: a local Kafka broker, or a cluster with --brokers N (Java 17, Maven)', serves: true, load: async () => (await import('../../dev/kafka-cli')).runKafkaCli },
]

function sitesRunner({ runSitesCli }: typeof import('../sites-cli')) {
  return (argv: readonly string[]) =>
    runSitesCli(argv, { env: process.env, out: (text) => console.log(text), err: (text) => console.error(text) })
}
