import { closeSync, openSync, readSync, writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { evaluate } from './evaluate'
import { markov, popularity, sequentialRules, shipped, SHIPPED_NAME } from './models'
import { htmlReport, summary, table } from './report'
import { readClickLog, readSessionLines, splitByDays, type Session } from '../history'
import { progressLine } from '../cli/progress'
import { UsageError } from '../cli/usage-error'

/** The help of `sequitur eval`. */
export const EVAL_USAGE = `usage: sequitur eval --train FILE --test FILE [options]
       sequitur eval --input FILE [--input FILE ...] --test-days N [options]

Evaluates the shipped model against popularity, Markov and sequential rules, offline.

  --train FILE, --test FILE   session-per-line files (item ids separated by spaces, in click order)
  --input FILE                a timestamped click log, "SessionId<TAB>ItemId<TAB>Time" (session-rec) or
                              "session_id;user_id;item_id;timeframe;eventdate" (Diginetica); repeat for more
  --test-days N               with --input: the sessions ending in the last N days are the test set (default 1)
  --k N                       the cut-off of HR@k and MRR@k (default 20)
  --json                      print one JSON object (the chosen parameters under "validation")
  --defaults                  keep the scorer's defaults (no self-validation on the training data's latest day)
  --report FILE.html          write charts of HR@k and MRR@k
  --help                      this help

Progress goes to stderr. Exit codes: 0 done, 1 a file could not be read, 2 wrong usage.`

function load(values: Record<string, string | string[] | boolean | undefined>): { train: Session[]; test: Session[]; source: string } {
  const inputs = values.input as string[] | undefined
  if (inputs?.length) {
    const days = Number(values['test-days'] ?? 1)
    if (!Number.isInteger(days) || days < 1) throw new UsageError('--test-days must be a positive integer')
    const logs = inputs.map((file) => readClickLog(file))
    const sessions = logs.flatMap((l) => l.sessions)
    return { ...splitByDays(sessions, days), source: `${inputs.join(' + ')} (${logs[0]!.layout}, last ${days} day(s) as test)` }
  }
  if (typeof values.train !== 'string' || typeof values.test !== 'string') throw new UsageError('give --train and --test, or --input')
  const [train, test] = [values.train, values.test].map((file) => {
    // A click log read as sessions would score every column as an item, silently: refuse it before reading it.
    if (/[\t;,]/.test(firstLine(file))) throw new UsageError(`${file} looks like a timestamped click log (a tab, ';' or ',' on its first line): give it with --input`)
    return readSessionLines(file)
  })
  return { train: train!, test: test!, source: `${values.train} / ${values.test}` }
}

/** The first line of a file (of its first 4 KB). */
function firstLine(file: string): string {
  const fd = openSync(file, 'r')
  try {
    const buffer = Buffer.alloc(4096)
    return buffer.subarray(0, readSync(fd, buffer, 0, buffer.length, 0)).toString('utf8').split('\n')[0]!
  } finally {
    closeSync(fd)
  }
}

/** Runs `sequitur eval <argv>`; resolves with its exit code (a `UsageError` is the caller's to report). */
export async function runEval(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      train: { type: 'string' },
      test: { type: 'string' },
      input: { type: 'string', multiple: true },
      'test-days': { type: 'string' },
      k: { type: 'string', default: '20' },
      json: { type: 'boolean', default: false },
      defaults: { type: 'boolean', default: false },
      report: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  })
  if (values.help) {
    console.log(EVAL_USAGE)
    return 0
  }
  const k = Number(values.k)
  if (!Number.isInteger(k) || k < 1 || k > 1000) throw new UsageError('--k must be an integer between 1 and 1000')
  const { train, test, source } = load(values)
  const progress = progressLine('eval')
  const { cases, results } = evaluate(train, test, [popularity, markov, sequentialRules(), shipped({ validate: !values.defaults })], {
    k,
    onProgress: (done, total, model, models) => progress.update(done, total, `model ${model}/${models}, sessions`),
  })
  progress.end()
  if (values.json) console.log(JSON.stringify(summary(k, cases, SHIPPED_NAME, results)))
  else console.log(`${source}: ${train.length} training sessions, ${test.length} test sessions\n\n${table(k, cases, results)}`)
  if (values.report) writeFileSync(values.report, htmlReport(`Sequitur evaluation: ${source}`, cases, results))
  return 0
}
