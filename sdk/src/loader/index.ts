export { createSequitur } from './create-sequitur'
