/**
 * The baseline of the ingest benchmark: a bare `node:http` server that reads a POST body, decodes the
 * msgpack and answers 202 with the same JSON shape as `/v1/events` — no validation, no log, no model.
 * `GET /cpu` answers the CPU seconds it has used. Listens on 127.0.0.1 (port 0) and prints its port.
 */
import { createServer } from 'node:http'
import { Unpackr } from 'msgpackr'

const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true })
const server = createServer((req, res) => {
  if (req.method === 'GET') {
    const { user, system } = process.cpuUsage()
    res.end(String((user + system) / 1e6))
    return
  }
  const chunks = []
  req.on('data', (chunk) => chunks.push(chunk))
  req.on('end', () => {
    const { events } = unpackr.unpack(Buffer.concat(chunks))
    const body = JSON.stringify({ accepted: events.length, duplicates: 0 })
    res.writeHead(202, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) })
    res.end(body)
  })
})
server.listen(0, '127.0.0.1', () => console.log(`listening on http://localhost:${server.address().port}`))
