/**
 * The processor's commit thread (embedded mode): writes the plans the main thread posts to the state
 * database through its own connection, each in one transaction, in the order they came, and answers
 * each once it is durable.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { KvStore, RowTable, openDb } from '../state'
import { applyPlan, refusals, type CommitPlan } from './commit-plan'

/** What the main thread asks. */
export interface PlanCall {
  epoch: number
  plan: CommitPlan
}
type PlanRequest = (PlanCall & { id: number }) | { close: true }
type PlanReply = { id: number; error?: string } | { closed: true }

const port = parentPort!
const db = openDb((workerData as { file: string }).file)
const targets = { store: new KvStore(db), rows: new RowTable(db) }
const refuse = refusals()
const reply = (message: PlanReply) => port.postMessage([message])

function handle(request: PlanRequest): void {
  if ('close' in request) {
    db.close()
    reply({ closed: true })
    port.close()
    return
  }
  try {
    refuse.check(request.epoch)
    applyPlan(targets, request.plan)
    reply({ id: request.id })
  } catch (error) {
    refuse.after(request.epoch)
    reply({ id: request.id, error: String(error) })
  }
}

port.on('message', (requests: PlanRequest[]) => requests.forEach(handle))
