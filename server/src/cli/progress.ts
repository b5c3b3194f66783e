/** Options of a progress line. */
export interface ProgressOptions {
  /** Where it goes (default: stderr). */
  write?: (text: string) => void
  /** A terminal gets one line rewritten in place; anything else a line now and then (default: stderr is a TTY). */
  tty?: boolean
  /** Milliseconds, monotonic (default `performance.now`). */
  now?: () => number
  /** Least time between two updates: default 100 ms on a terminal, 5 s otherwise. */
  everyMs?: number
}

/** A progress line of long work: `update` as often as you like, `end` once. */
export interface Progress {
  /** `done` of `total` units of `stage` (e.g. "model 2/4"); shown when due (a terminal also sees each new stage and the last unit). */
  update(done: number, total: number, stage?: string): void
  /** Ends the line on a terminal (it prints nothing else). */
  end(): void
}

/**
 * Progress of long work on stderr, never on stdout (which may be `--json`): a terminal sees one
 * line rewritten with `\r`; a log file or CI a line every few seconds (none for work done sooner).
 */
export function progressLine(label: string, options: ProgressOptions = {}): Progress {
  const {
    write = (text: string) => void process.stderr.write(text),
    tty = Boolean(process.stderr.isTTY),
    now = () => performance.now(),
  } = options
  const everyMs = options.everyMs ?? (tty ? 100 : 5000)
  let last: number | undefined
  let lastStage: string | undefined
  let shown = false
  return {
    update(done, total, stage) {
      const t = now()
      if (tty) {
        if (last !== undefined && t - last < everyMs && stage === lastStage && done < total) return
      } else if (last === undefined || t - last < everyMs) {
        // A log gets nothing from work done within the interval, then a line per interval.
        last ??= t
        return
      }
      last = t
      lastStage = stage
      const percent = total > 0 ? ` (${Math.floor((done / total) * 100)} %)` : ''
      const text = `${label}: ${stage ? `${stage}, ` : ''}${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')}${percent}`
      write(tty ? `\r${text}\u001b[K` : `${text}\n`)
      shown = true
    },
    end() {
      if (tty && shown) write('\n')
      shown = false
    },
  }
}
