import { writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { evaluate } from './evaluate'
import { markov, popularity, sequentialRules, shipped, SHIPPED_NAME } from './models'
import { htmlReport, summary, table } from './report'
import { readClickLog, readSessionLines, splitByDays, type Session } from '../history'

const USAGE = `usage:
  npm run eval -- --train FILE --test FILE [--k 20] [--json] [--defaults] [--report FILE.html]
  npm run eval -- --input FILE [--input FILE ...] --test-days N [--k 20] [--json] [--defaults] [--report FILE.html]

--train/--test: session-per-line files (item ids separated by spaces, in click order).
--input: a timestamped click log, "SessionId<TAB>ItemId<TAB>Time" (session-rec) or
         "session_id;user_id;item_id;timeframe;eventdate" (Diginetica); the sessions ending in the
         last N days are the test set.
The shipped model chooses its parameters by self-validation on the training data's latest day
(--defaults: keep the scorer's defaults).`

function fail(message: string): never {
  console.error(`eval: ${message}\n\n${USAGE}`)
  process.exit(2)
}

function load(values: Record<string, string | string[] | boolean | undefined>): { train: Session[]; test: Session[]; source: string } {
  const inputs = values.input as string[] | undefined
  if (inputs?.length) {
    const days = Number(values['test-days'] ?? 1)
    if (!Number.isInteger(days) || days < 1) fail('--test-days must be a positive integer')
    const logs = inputs.map((file) => readClickLog(file))
    const sessions = logs.flatMap((l) => l.sessions)
    return { ...splitByDays(sessions, days), source: `${inputs.join(' + ')} (${logs[0]!.layout}, last ${days} day(s) as test)` }
  }
  if (typeof values.train !== 'string' || typeof values.test !== 'string') fail('give --train and --test, or --input')
  return { train: readSessionLines(values.train), test: readSessionLines(values.test), source: `${values.train} / ${values.test}` }
}

function main(): void {
  let values
  try {
    ;({ values } = parseArgs({
      options: {
        train: { type: 'string' },
        test: { type: 'string' },
        input: { type: 'string', multiple: true },
        'test-days': { type: 'string' },
        k: { type: 'string', default: '20' },
        json: { type: 'boolean', default: false },
        defaults: { type: 'boolean', default: false },
        report: { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    }))
  } catch (error) {
    fail((error as Error).message)
  }
  if (values.help) return console.log(USAGE)
  const k = Number(values.k)
  if (!Number.isInteger(k) || k < 1 || k > 1000) fail('--k must be an integer between 1 and 1000')
  let data
  try {
    data = load(values)
  } catch (error) {
    fail((error as Error).message)
  }
  const { train, test, source } = data
  const { cases, results } = evaluate(train, test, [popularity, markov, sequentialRules(), shipped({ validate: !values.defaults })], { k })
  if (values.json) console.log(JSON.stringify(summary(k, cases, SHIPPED_NAME, results)))
  else console.log(`${source}: ${train.length} training sessions, ${test.length} test sessions\n\n${table(k, cases, results)}`)
  if (values.report) writeFileSync(values.report, htmlReport(`Sequitur evaluation: ${source}`, cases, results))
}

main()
