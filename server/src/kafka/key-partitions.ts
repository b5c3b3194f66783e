import { Partitioners, type Admin, type PartitionMetadata } from 'kafkajs'

/**
 * The partition a key lands on among `count`, as kafkajs's default partitioner (and Java's) puts it:
 * murmur2 of the key. A stage that packs many keys into one record per partition sends each key's
 * data where a keyed record of it would have gone, so ownership stays what it was.
 */
export function keyPartitioner(topic: string, count: number): (key: string) => number {
  const partitioner = Partitioners.DefaultPartitioner()
  const partitionMetadata = Array.from({ length: count }, (_, partitionId) => ({ partitionId, leader: 0 }) as PartitionMetadata)
  // The keys seen lately: murmur2 in JavaScript costs more than a lookup.
  const seen = new Map<string, number>()
  return (key) => {
    let partition = seen.get(key)
    if (partition === undefined) {
      if (seen.size >= 100_000) seen.clear()
      seen.set(key, (partition = partitioner({ topic, partitionMetadata, message: { key, value: null } })))
    }
    return partition
  }
}

/** How many partitions `topic` has. */
export async function partitionCount(admin: Admin, topic: string): Promise<number> {
  const { topics } = await admin.fetchTopicMetadata({ topics: [topic] })
  const count = topics.find((t) => t.name === topic)?.partitions.length ?? 0
  if (count === 0) throw new Error(`topic ${topic} has no partitions`)
  return count
}
