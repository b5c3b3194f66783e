/** Kafka mode: edges and processors around the model core, exactly once on a real broker. */
export { startKafka } from './kafka-mode'
