/** A well-framed HTTP/1.1 request with `Connection: close` (so the answer ends the exchange). */
export function httpRequest(method: string, target: string, headers: Record<string, string> = {}, body?: Buffer | string): Buffer {
  const bytes = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(body)
  const lines = [`${method} ${target} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: close']
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`)
  if (bytes && !Object.keys(headers).some((h) => /^(content-length|transfer-encoding)$/i.test(h))) lines.push(`Content-Length: ${bytes.byteLength}`)
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), bytes ?? Buffer.alloc(0)])
}
