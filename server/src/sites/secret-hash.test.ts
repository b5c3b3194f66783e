import { describe, expect, it } from 'vitest'
import { hashSecret, verifySecretHash } from './secret-hash'

describe('secret hash', () => {
  it('verifies the secret it was made from and nothing else, with a new salt each time', async () => {
    const a = await hashSecret('correct horse battery staple')
    const b = await hashSecret('correct horse battery staple')
    expect(a).toMatch(/^scrypt\$16384\$8\$1\$[\w-]{22}\$[\w-]{43}$/)
    expect(a).not.toBe(b)
    expect(await verifySecretHash(a, 'correct horse battery staple')).toBe(true)
    expect(await verifySecretHash(b, 'correct horse battery staple')).toBe(true)
    expect(await verifySecretHash(a, 'correct horse battery stapler')).toBe(false)
    expect(await verifySecretHash(a, '')).toBe(false)
  })

  it('refuses malformed or too costly hashes without throwing', async () => {
    for (const bad of ['', 'plain', 'scrypt$1$2$3', 'bcrypt$16384$8$1$c2FsdA$aGFzaA', 'scrypt$16384$8$1$c2FsdA$short', `scrypt$${2 ** 30}$8$1$c2FsdA$${'A'.repeat(43)}`]) {
      expect(await verifySecretHash(bad, 'x')).toBe(false)
    }
  })
})
