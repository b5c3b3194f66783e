import { runCli } from '/work/hop/server/src/cli'
const { code } = await runCli(process.argv.slice(2), { out: (t: string) => console.log(t), err: (t: string) => console.error(t), version: '' })
process.exit(code)
