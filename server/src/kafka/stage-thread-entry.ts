/**
 * The entry of a stage's worker thread (`startStageThread`): runs the stage named in `workerData`
 * and stops it when asked.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { runStage, type StageThreadOptions } from './run-stage'

const port = parentPort!
const stop = await runStage((workerData as { stageThread: StageThreadOptions }).stageThread, (message) => port.postMessage(message))
port.on('message', (message) => {
  if (message === 'stop') void stop().finally(() => process.exit(0))
})
port.postMessage(['ready'])
