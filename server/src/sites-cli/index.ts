/** `sequitur sites` (`npm run sites`): the operator's CLI, a client of the operator API. */
export { runSitesCli, type CliIo } from './sites-cli'
