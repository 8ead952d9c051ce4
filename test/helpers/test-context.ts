import { PassThrough, Readable } from 'node:stream'

import type { Context } from '../../src/context.js'

export interface TestContextOptions {
  cwd?: string
  env?: Record<string, string | undefined>
  homedir?: string
  /** Which streams claim to be terminals. */
  tty?: Partial<Context['isTTY']>
  stdin?: string | Buffer
}

export interface TestContext {
  ctx: Context
  stdout(): string
  stderr(): string
  stdoutBytes(): Buffer
  /** Sends SIGINT (or the given signal) to whoever called ctx.onStop. */
  stop(signal?: NodeJS.Signals): void
}

/** A Context over in-memory streams, for driving runMom and commands without a terminal. */
export function testContext(options: TestContextOptions = {}): TestContext {
  const out: Buffer[] = []
  const err: Buffer[] = []
  const stdout = new PassThrough()
  const stderr = new PassThrough()
  stdout.on('data', (chunk: Buffer) => out.push(chunk))
  stderr.on('data', (chunk: Buffer) => err.push(chunk))
  const stoppers = new Set<(signal: NodeJS.Signals) => void>()

  const ctx: Context = {
    stdin: Readable.from(options.stdin === undefined ? [] : [Buffer.from(options.stdin)]),
    stdout,
    stderr,
    isTTY: { stdin: false, stdout: false, stderr: false, ...options.tty },
    env: { ...options.env },
    cwd: options.cwd ?? process.cwd(),
    homedir: options.homedir ?? '/nonexistent-home',
    now: () => performance.now(),
    onStop(fn) {
      stoppers.add(fn)
      return () => stoppers.delete(fn)
    },
  }
  return {
    ctx,
    stdout: () => Buffer.concat(out).toString('utf8'),
    stderr: () => Buffer.concat(err).toString('utf8'),
    stdoutBytes: () => Buffer.concat(out),
    stop(signal = 'SIGINT') {
      for (const fn of [...stoppers]) {
        stoppers.delete(fn)
        fn(signal)
      }
    },
  }
}
