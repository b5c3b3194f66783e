/** Embedded mode: the log, the model's processor and the edge in one process. */
export { startEmbedded } from './embedded-mode'
export { Processor, type ProcessorOptions } from './processor'
export { openStateFile, SchemaError } from './state-file'
