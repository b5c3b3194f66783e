import { runSitesCli } from './sites-cli'

process.exitCode = await runSitesCli(process.argv.slice(2), {
  env: process.env,
  out: (text) => console.log(text),
  err: (text) => console.error(text),
})
