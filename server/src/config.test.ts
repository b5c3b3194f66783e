import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from './config'

describe('loadConfig', () => {
  it('has the documented defaults', () => {
    const config = loadConfig({})
    expect(config).toMatchObject({ port: 8787, model: { windowDays: 60, topK: 20, dedupeDays: 7 }, sites: ['demo'], logRetentionDays: 7 })
    expect(config.dataDir.endsWith('.sequitur')).toBe(true)
  })

  it('reads the trending windows in minutes', () => {
    expect(loadConfig({ SEQUITUR_TRENDING_EPOCH_MINUTES: '10', SEQUITUR_TRENDING_LATENESS_MINUTES: '0' }).model).toMatchObject({
      epochMs: 600_000,
      latenessMs: 0,
    })
  })

  it("reads the edge's row cache as a number of rows or all", () => {
    expect(loadConfig({}).edgeRowCache).toBe(10_000)
    expect(loadConfig({ SEQUITUR_EDGE_ROW_CACHE: '0' }).edgeRowCache).toBe(0)
    expect(loadConfig({ SEQUITUR_EDGE_ROW_CACHE: 'all' }).edgeRowCache).toBe('all')
    expect(() => loadConfig({ SEQUITUR_EDGE_ROW_CACHE: '-1' })).toThrow(/SEQUITUR_EDGE_ROW_CACHE="-1": must be a number of rows/)
  })

  it('gives the rows topic the input partitions unless told otherwise', () => {
    expect(loadConfig({}).kafkaRowsPartitions).toBe(2)
    expect(loadConfig({ SEQUITUR_KAFKA_PARTITIONS: '6' }).kafkaRowsPartitions).toBe(6)
    expect(loadConfig({ SEQUITUR_KAFKA_PARTITIONS: '6', SEQUITUR_KAFKA_ROWS_PARTITIONS: '1' }).kafkaRowsPartitions).toBe(1)
    expect(() => loadConfig({ SEQUITUR_KAFKA_ROWS_PARTITIONS: '1025' })).toThrow(/SEQUITUR_KAFKA_ROWS_PARTITIONS="1025": must be at most 1024/)
    expect(() => loadConfig({ SEQUITUR_KAFKA_ROWS_PARTITIONS: '0' })).toThrow(/must be at least 1/)
  })

  it('names every invalid variable', () => {
    expect(() => loadConfig({ PORT: 'eighty', SEQUITUR_TOP_K: '0' })).toThrow(ConfigError)
    expect(() => loadConfig({ PORT: 'eighty', SEQUITUR_TOP_K: '0' })).toThrow(/PORT="eighty".*\n.*SEQUITUR_TOP_K="0": must be at least 1/)
  })
})
