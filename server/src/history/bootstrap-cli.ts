import { parseArgs } from 'node:util'
import { bootstrap } from './bootstrap'

const USAGE = `usage: npm run bootstrap -- --input FILE [--input FILE ...] --site SITE [--url URL]

Loads timestamped click logs ("SessionId<TAB>ItemId<TAB>Time" or
"session_id;user_id;item_id;timeframe;eventdate") into the model of a running Sequitur server, in
event time. --url defaults to http://localhost:$PORT (8787).`

try {
  const { values } = parseArgs({
    options: {
      input: { type: 'string', multiple: true },
      site: { type: 'string' },
      url: { type: 'string', default: `http://localhost:${process.env.PORT ?? 8787}` },
      help: { type: 'boolean', default: false },
    },
  })
  if (values.help) {
    console.log(USAGE)
  } else {
    if (!values.input?.length || !values.site) throw new Error('give --input FILE and --site SITE')
    const result = await bootstrap({
      inputs: values.input,
      site: values.site,
      url: values.url,
      progress: (sent, total) => process.stderr.write(`\rbootstrap: ${sent}/${total} events`),
    })
    process.stderr.write('\n')
    console.log(
      `bootstrap: ${result.events} events in ${result.seconds.toFixed(1)} s: ${result.accepted} accepted, ${result.duplicates} already known`,
    )
  }
} catch (error) {
  console.error(`bootstrap: ${(error as Error).message}\n\n${USAGE}`)
  process.exit(2)
}
