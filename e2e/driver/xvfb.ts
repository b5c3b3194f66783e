import { existsSync } from 'node:fs'
import type { ChildProcess } from 'node:child_process'
import { startProcess, stopProcess, waitFor } from './processes'

/** A virtual X display started by the harness (MiniBrowser has no headless mode). */
export interface Display {
  name: string
  stop(): Promise<void>
}

/** Starts `Xvfb` on the first free display number from 90, and waits for its socket. */
export async function startXvfb(binary = '/usr/bin/Xvfb'): Promise<Display> {
  let number = 90 + Math.floor(Math.random() * 100)
  while (existsSync(`/tmp/.X11-unix/X${number}`) || existsSync(`/tmp/.X${number}-lock`)) number++
  const child: ChildProcess = startProcess(binary, [`:${number}`, '-screen', '0', '1280x800x24', '-nolisten', 'tcp'])
  const stop = () => stopProcess(child)
  try {
    await waitFor(async () => existsSync(`/tmp/.X11-unix/X${number}`), 'Xvfb', 10_000)
  } catch (error) {
    await stop()
    throw error
  }
  return { name: `:${number}`, stop }
}
