import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { RowTable } from './row-table'
import { openDb } from './sqlite'

describe('RowTable epoch', () => {
  it('names the file’s sequence of versions: the same after a restart, another for a new file', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sequitur-row-table-')), 'state.db')
    const db = openDb(file)
    const epoch = new RowTable(db).epoch
    expect(epoch).toMatch(/^[0-9a-z]{1,10}$/)
    expect(new RowTable(db).epoch).toBe(epoch)
    db.close()
    expect(new RowTable(openDb(file)).epoch).toBe(epoch)
    const other = new RowTable(openDb(join(mkdtempSync(join(tmpdir(), 'sequitur-row-table-')), 'state.db'))).epoch
    expect(other).not.toBe(epoch)
  })
})
