import type { Message, TopicMessages } from 'kafkajs'

/**
 * Largest value Sequitur packs into one record. The broker refuses a partition's record batch over
 * its `message.max.bytes` (1 MB by default), and a send puts all of a partition's records in one
 * batch: `sendWaves` splits a send so that each partition gets at most this much per request.
 */
export const MAX_RECORD_BYTES = 512 * 1024

/**
 * Encodes `items` in order as few values as it can, each at most `max` bytes. A list that encodes too
 * large is cut into as many equal parts as its size asks for (and a part still too large again), so
 * the items are encoded about twice at most; a single item too large stays one value, for the broker
 * to refuse.
 */
export function packInChunks<T>(items: readonly T[], encode: (items: readonly T[]) => Buffer, max = MAX_RECORD_BYTES): Buffer[] {
  const value = encode(items)
  if (value.length <= max || items.length <= 1) return [value]
  const parts = Math.min(items.length, Math.ceil((value.length * 1.1) / max))
  const size = Math.ceil(items.length / parts)
  const out: Buffer[] = []
  for (let i = 0; i < items.length; i += size) out.push(...packInChunks(items.slice(i, i + size), encode, max))
  return out
}

/** Bytes a message takes in a record batch, near enough. */
const sizeOf = (m: Message): number => (m.value?.length ?? 0) + (typeof m.key === 'string' ? m.key.length : (m.key?.length ?? 0)) + 64

/**
 * Splits one send into consecutive sends in which each partition gets at most `max` bytes (a larger
 * message goes alone), keeping every partition's messages in order. Messages without a partition are
 * counted together per topic. Most sends stay one.
 */
export function sendWaves(topicMessages: readonly TopicMessages[], max = MAX_RECORD_BYTES): TopicMessages[][] {
  const waves: Array<Map<string, TopicMessages>> = []
  const at = new Map<string, { wave: number; bytes: number }>()
  for (const { topic, messages } of topicMessages) {
    for (const m of messages) {
      const bucket = `${topic}\0${m.partition ?? ''}`
      const size = sizeOf(m)
      let place = at.get(bucket)
      if (!place) at.set(bucket, (place = { wave: 0, bytes: 0 }))
      else if (place.bytes > 0 && place.bytes + size > max) place = { wave: place.wave + 1, bytes: 0 }
      place.bytes += size
      at.set(bucket, place)
      while (waves.length <= place.wave) waves.push(new Map())
      const wave = waves[place.wave]!
      let t = wave.get(topic)
      if (!t) wave.set(topic, (t = { topic, messages: [] }))
      t.messages.push(m)
    }
  }
  return waves.map((wave) => [...wave.values()])
}
