import { readFileSync } from 'node:fs'
import { DAY_MS } from '../clock'

/** One session: its items in click order and, when the source has them, the click times (ms). */
export interface Session {
  id: string
  items: string[]
  times?: number[]
}

/** Reads a session-per-line file: item ids separated by spaces, in click order. */
export function readSessionLines(file: string): Session[] {
  const sessions: Session[] = []
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      const items = line.trim().split(/\s+/).filter(Boolean)
      if (items.length > 0) sessions.push({ id: String(i + 1), items })
    })
  return sessions
}

/** A layout of timestamped click logs. */
interface Layout {
  name: string
  separator: string
  session: number
  item: number
  /** Turns the row into a time in ms. */
  time: (cols: string[]) => number
}

const LAYOUTS: Array<Layout & { detect: (header: string) => boolean }> = [
  {
    // session-rec: SessionId<TAB>ItemId<TAB>Time (unix seconds)
    name: 'session-rec',
    detect: (h) => /^SessionId\tItemId\tTime/i.test(h),
    separator: '\t',
    session: 0,
    item: 1,
    time: (c) => Number(c[2]) * 1000,
  },
  {
    // Diginetica (CIKM Cup 2016): session_id;user_id;item_id;timeframe;eventdate
    name: 'diginetica',
    detect: (h) => /^session_id;user_id;item_id;timeframe;eventdate/i.test(h),
    separator: ';',
    session: 0,
    item: 2,
    time: (c) => Date.parse(`${c[4]}T00:00:00Z`) + Number(c[3]),
  },
]

/** Thrown when a click log's layout is not one the evaluation knows. */
export class UnknownLayoutError extends Error {
  override name = 'UnknownLayoutError'
}

/** Reads a timestamped click log (layout detected from its header) into sessions ordered by time. */
export function readClickLog(file: string): { layout: string; sessions: Session[] } {
  const lines = readFileSync(file, 'utf8').split('\n')
  const header = lines[0] ?? ''
  const layout = LAYOUTS.find((l) => l.detect(header))
  if (!layout) {
    throw new UnknownLayoutError(
      `${file}: unknown layout (header ${JSON.stringify(header.slice(0, 80))}); expected "SessionId\\tItemId\\tTime" or "session_id;user_id;item_id;timeframe;eventdate"`,
    )
  }
  const clicks = new Map<string, Array<{ item: string; time: number; order: number }>>()
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!.trim()
    if (!line) continue
    const cols = line.split(layout.separator)
    const session = cols[layout.session]!
    const item = cols[layout.item]!
    const time = layout.time(cols)
    if (!session || !item || !Number.isFinite(time)) continue
    let list = clicks.get(session)
    if (!list) clicks.set(session, (list = []))
    list.push({ item, time, order: i })
  }
  const sessions: Session[] = []
  for (const [id, list] of clicks) {
    list.sort((a, b) => a.time - b.time || a.order - b.order)
    sessions.push({ id, items: list.map((c) => c.item), times: list.map((c) => c.time) })
  }
  sessions.sort((a, b) => a.times![0]! - b.times![0]! || (a.id < b.id ? -1 : 1))
  return { layout: layout.name, sessions }
}

/** Splits timestamped sessions: those ending in the last `days` days of the log are the test set. */
export function splitByDays(sessions: readonly Session[], days: number): { train: Session[]; test: Session[] } {
  const end = (s: Session) => s.times![s.times!.length - 1]!
  const last = Math.max(...sessions.map(end))
  const cut = last - days * DAY_MS
  return { train: sessions.filter((s) => end(s) <= cut), test: sessions.filter((s) => end(s) > cut) }
}

/** One click of a history, as the bootstrap sends it. */
export interface Click {
  session: string
  item: string
  ts: number
}

/** Every click of the sessions in event-time order (a stable sort: ties keep session order). */
export function clicksInTimeOrder(sessions: readonly Session[]): Click[] {
  const clicks: Click[] = []
  for (const s of sessions) {
    if (!s.times) throw new Error(`session ${s.id} has no click times`)
    s.items.forEach((item, i) => clicks.push({ session: s.id, item, ts: Math.round(s.times![i]!) }))
  }
  return clicks.sort((a, b) => a.ts - b.ts)
}
