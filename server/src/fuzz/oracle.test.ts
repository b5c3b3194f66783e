import { describe, expect, it } from 'vitest'
import type { HttpCase } from './fuzz-case'
import { judge } from './oracle'

const bodiless400 = { status: 400, headers: new Map([['content-type', 'application/json']]), body: Buffer.alloc(0), closed: true, hung: false }
const request = (chunks: string[]): HttpCase => ({ kind: 'http', surface: 'framing', validity: 'either', label: 'odd request line', chunks })

describe('the fuzz oracle', () => {
  it('takes a bodiless error as the answer to HEAD however the request was split, and as a failure otherwise', () => {
    expect(judge(request(['HEAD /v1/rows HTTP/1.1\r\n\r\n']), { http: bodiless400 }).failure).toBeUndefined()
    // Fuzz seed 892757449, case 980: the method arrived in chunks of 2 and 3 bytes.
    expect(judge(request(['HE', 'AD ', '/v1/rows?site=%E0%A4%A HTTP/0.9\r\n\r\n']), { http: bodiless400 }).failure).toBeUndefined()
    expect(judge(request(['GE', 'T /v1/rows HTTP/1.1\r\n\r\n']), { http: bodiless400 }).failure).toBe('non-JSON error')
  })

  it('takes a JSON error body and refuses any other', () => {
    const json = { ...bodiless400, body: Buffer.from('{"error":"malformed HTTP request","code":"bad_request"}') }
    expect(judge(request(['GET / HTTP/1.1\r\n\r\n']), { http: json }).failure).toBeUndefined()
    const extra = { ...bodiless400, body: Buffer.from('{"error":"x","code":"y","stack":"…"}') }
    expect(judge(request(['GET / HTTP/1.1\r\n\r\n']), { http: extra }).failure).toBe('non-JSON error')
  })
})
