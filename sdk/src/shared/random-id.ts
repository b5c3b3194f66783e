/** A random id: 128 random bits as 32 hex digits (the same in secure contexts and not, where `crypto.randomUUID` is missing). */
export function randomId(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('')
}
