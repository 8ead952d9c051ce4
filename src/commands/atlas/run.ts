import { Command } from 'commander'

import type { Context } from '../../context.js'
import { MomError } from '../../errors.js'
import { describe } from '../help.js'

export interface RunOptions {
  file: string
  host: string
  port: string
  token?: string
  upstreamTimeout: string
}

/** `mom atlas run`: serve the Atlas HTTP API locally from a configuration file (SPEC section 4). */
export function runCommand(ctx: Context, run = runAtlasRun): Command {
  const command = new Command('run')
    .description(
      'Serve the Atlas HTTP API locally from a configuration file, until stopped with Ctrl-C',
    )
    .requiredOption('-f, --file <path>', 'the Atlas configuration file')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--port <number>', 'port to listen on; 0 picks a free one', '8080')
    .option(
      '--token <token>',
      'bearer token clients must send (default: $MOM_ATLAS_TOKEN, else a generated one saved for mom curl)',
    )
    .option(
      '--upstream-timeout <seconds>',
      "how long to wait for an upstream's response headers before answering 504",
      '30',
    )
    .action(async (opts: RunOptions) => run(opts, ctx))
  return describe(
    command,
    [
      [
        'serve atlas.yml on 127.0.0.1:8080 with a generated token saved for mom curl',
        'mom atlas run -f atlas.yml',
      ],
      ['then, in another terminal', 'mom curl --base-url http://127.0.0.1:8080 /v1/apis'],
      [
        'a fixed token on a free port, upstreams given 5 seconds',
        'MOM_ATLAS_TOKEN=dev-token mom atlas run -f atlas.yml --port 0 --upstream-timeout 5',
      ],
    ],
    [
      ['MOM_ATLAS_TOKEN', 'the bearer token, when --token is not given'],
      [
        'MOM_CONFIG_DIR',
        'where a generated token is saved (default $XDG_CONFIG_HOME/mom or ~/.config/mom)',
      ],
      ['NAME', 'every ${{ NAME }} the served adapters reference must be set'],
    ],
  )
}

/** Checks the flags, starts the server, and serves until SIGINT or SIGTERM. */
export async function runAtlasRun(opts: RunOptions, ctx: Context): Promise<void> {
  const port = parsePort(opts.port)
  const upstreamTimeoutMs = parseSeconds(opts.upstreamTimeout) * 1000
  const token = opts.token ?? (ctx.env.MOM_ATLAS_TOKEN || undefined)
  const tokenSource =
    opts.token !== undefined ? '--token' : token !== undefined ? 'MOM_ATLAS_TOKEN' : undefined
  if (token !== undefined && !/^[\x21-\x7e]+$/.test(token)) {
    throw new MomError('the token must be non-empty printable ASCII without spaces', {
      code: 'BAD_TOKEN',
    })
  }

  const { startAtlas } = await import('../../proxy/start.js')
  let stop = (_signal: NodeJS.Signals) => {}
  const stopped = new Promise<NodeJS.Signals>((resolve) => (stop = resolve))
  const stopListening = ctx.onStop((signal) => stop(signal))
  try {
    const atlas = await startAtlas({
      file: opts.file,
      cwd: ctx.cwd,
      env: ctx.env,
      homedir: ctx.homedir,
      host: opts.host,
      port,
      token,
      tokenSource,
      upstreamTimeoutMs,
      stderr: ctx.stderr,
      now: ctx.now,
    })
    const signal = await stopped
    await atlas.close()
    ctx.stderr.write(`atlas stopped on ${signal}\n`)
  } finally {
    stopListening()
  }
}

function parsePort(text: string): number {
  const port = /^\d{1,5}$/.test(text) ? Number(text) : NaN
  if (!(port >= 0 && port <= 65535)) {
    throw new MomError(`invalid --port "${text}"`, {
      code: 'BAD_PORT',
      hint: 'expected a number from 0 to 65535',
    })
  }
  return port
}

function parseSeconds(text: string): number {
  const seconds = /^\d+(\.\d+)?$/.test(text) ? Number(text) : NaN
  if (!(seconds > 0 && seconds <= 86_400)) {
    throw new MomError(`invalid --upstream-timeout "${text}"`, {
      code: 'BAD_TIMEOUT',
      hint: 'expected a number of seconds above 0',
    })
  }
  return seconds
}
