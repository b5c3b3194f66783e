import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto'

/** scrypt's cost: N = 2^14, r = 8, p = 1 (~16 MiB and tens of ms per hash, off the main thread). */
const PARAMS = { N: 16384, r: 8, p: 1 } as const
const KEY_BYTES = 32

function derive(secret: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(secret, salt, KEY_BYTES, { ...options, maxmem: 128 * options.N! * options.r! * 2 }, (error, key) => (error ? reject(error) : resolve(key)))
  })
}

/** Hashes a secret with a random salt: `scrypt$<N>$<r>$<p>$<salt b64url>$<hash b64url>`. */
export async function hashSecret(secret: string): Promise<string> {
  const salt = randomBytes(16)
  const hash = await derive(secret, salt, PARAMS)
  return `scrypt$${PARAMS.N}$${PARAMS.r}$${PARAMS.p}$${salt.toString('base64url')}$${hash.toString('base64url')}`
}

/** Whether `presented` is the secret `stored` was made from (constant-time compare); false for a malformed hash. */
export async function verifySecretHash(stored: string, presented: string): Promise<boolean> {
  const parts = stored.split('$')
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number]
  if (![N, r, p].every((x) => Number.isInteger(x) && x > 0) || N > 2 ** 20 || r > 32 || p > 16) return false
  const expected = Buffer.from(parts[5]!, 'base64url')
  if (expected.length !== KEY_BYTES) return false
  const actual = await derive(presented, Buffer.from(parts[4]!, 'base64url'), { N, r, p })
  return timingSafeEqual(actual, expected)
}
