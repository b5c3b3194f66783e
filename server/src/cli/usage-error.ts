/** A wrong command line: `sequitur` prints it with a pointer to `--help` and exits with 2. */
export class UsageError extends Error {
  override name = 'UsageError'
}
