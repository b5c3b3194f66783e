import { parseArgs } from 'node:util'
import { bootstrap } from './bootstrap'
import { progressLine } from '../cli/progress'
import { UsageError } from '../cli/usage-error'

/** The help of `sequitur bootstrap`. */
export const BOOTSTRAP_USAGE = `usage: sequitur bootstrap --input FILE [--input FILE ...] --site SITE [--url URL]

Loads timestamped click logs ("SessionId<TAB>ItemId<TAB>Time" or
"session_id;user_id;item_id;timeframe;eventdate") into the model of a running Sequitur server, in
event time, through its POST /v1/events. Running it twice counts nothing twice.

  --input FILE   a click log (repeat for more)
  --site SITE    the site to load them into
  --url URL      the server (default http://localhost:$PORT, PORT default 8787)
  --help         this help

Progress goes to stderr. Exit codes: 0 done, 1 a file could not be read or the server refused, 2 wrong usage.`

/** Runs `sequitur bootstrap <argv>`; resolves with its exit code (a `UsageError` is the caller's to report). */
export async function runBootstrap(argv: readonly string[], env: Record<string, string | undefined> = process.env): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      input: { type: 'string', multiple: true },
      site: { type: 'string' },
      url: { type: 'string', default: `http://localhost:${env.PORT || 8787}` },
      help: { type: 'boolean', short: 'h', default: false },
    },
  })
  if (values.help) {
    console.log(BOOTSTRAP_USAGE)
    return 0
  }
  if (!values.input?.length || !values.site) throw new UsageError('give --input FILE and --site SITE')
  const progress = progressLine('bootstrap')
  try {
    const result = await bootstrap({
      inputs: values.input,
      site: values.site,
      url: values.url,
      progress: (sent, total) => progress.update(sent, total, 'events'),
    })
    progress.end()
    console.log(`bootstrap: ${result.events} events in ${result.seconds.toFixed(1)} s: ${result.accepted} accepted, ${result.duplicates} already known`)
    return 0
  } finally {
    progress.end()
  }
}
