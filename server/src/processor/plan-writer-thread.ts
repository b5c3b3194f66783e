/**
 * The processor's commit thread (embedded mode): writes the plans the main thread posts to the state
 * database through its own connection, each in one transaction, in the order they came, and answers
 * each once it is durable.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { ProfileStore } from '../profiles/profile-store'
import { ModelStore } from '../state/model-store'
import { RowTable } from '../state/row-table'
import { openDb } from '../state/sqlite'
import { TrendingStore } from '../trending/trending-store'
import { applyPlan, refusals, type CommitPlan } from './commit-plan'

/** What the main thread posts. */
export type PlanRequest = { id: number; epoch: number; plan: CommitPlan } | { close: true }
/** What the thread answers. */
export type PlanReply = { id: number; error?: string } | { closed: true }

const port = parentPort!
const db = openDb((workerData as { file: string }).file)
const targets = { store: new ModelStore(db), rows: new RowTable(db), profiles: new ProfileStore(db), trending: new TrendingStore(db) }
const refuse = refusals()

port.on('message', (request: PlanRequest) => {
  if ('close' in request) {
    db.close()
    port.postMessage({ closed: true } satisfies PlanReply)
    port.close()
    return
  }
  try {
    refuse.check(request.epoch)
    applyPlan(targets, request.plan)
    port.postMessage({ id: request.id } satisfies PlanReply)
  } catch (error) {
    refuse.after(request.epoch)
    port.postMessage({ id: request.id, error: String(error) } satisfies PlanReply)
  }
})
