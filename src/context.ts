import { homedir } from 'node:os'

/**
 * Everything a command may touch outside its own arguments. Commands and tests build on this
 * seam; `systemContext()` is the only place that reads the real process.
 */
export interface Context {
  stdin: NodeJS.ReadableStream
  stdout: NodeJS.WritableStream
  stderr: NodeJS.WritableStream
  isTTY: { stdin: boolean; stdout: boolean; stderr: boolean }
  env: Readonly<Record<string, string | undefined>>
  cwd: string
  homedir: string
  now: () => number
  /** Calls `fn` once on SIGINT or SIGTERM; the returned function stops listening. */
  onStop: (fn: (signal: NodeJS.Signals) => void) => () => void
}

export function systemContext(): Context {
  // A reader that closed the pipe early (`mom … | head`) is not an error worth reporting.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error
    })
  }
  return {
    // Touching process.stdin sets up a stream (a few ms), and most commands never read it.
    get stdin() {
      return process.stdin
    },
    stdout: process.stdout,
    stderr: process.stderr,
    isTTY: {
      get stdin() {
        return Boolean(process.stdin.isTTY)
      },
      stdout: Boolean(process.stdout.isTTY),
      stderr: Boolean(process.stderr.isTTY),
    },
    env: process.env,
    cwd: process.cwd(),
    homedir: homedir(),
    now: () => performance.now(),
    onStop(fn) {
      const handler = (signal: NodeJS.Signals) => {
        process.off('SIGINT', handler)
        process.off('SIGTERM', handler)
        fn(signal)
      }
      process.on('SIGINT', handler)
      process.on('SIGTERM', handler)
      return () => {
        process.off('SIGINT', handler)
        process.off('SIGTERM', handler)
      }
    },
  }
}
