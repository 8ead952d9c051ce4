import { Command } from 'commander'

import pkg from '../../package.json' with { type: 'json' }
import type { Context } from '../context.js'
import { ExitCode, MomError, UsageError } from '../errors.js'
import { CURL_OPTIONS } from '../curl/options.js'
import type { CurlIo, Sink } from '../curl/transfer.js'
import { loadChalk } from '../output.js'
import { describe } from './help.js'

/**
 * `mom curl [curl flags] PATH`: one request to an Atlas with its credential attached. curl's
 * flags are not commander's, so every argument passes through to the curl option table.
 */
export function curlCommand(ctx: Context): Command {
  const command = new Command('curl')
    .description(
      "Send a request to an Atlas with its credential attached, with curl's flags, output and exit codes",
    )
    .usage('[curl flags] PATH')
    .argument('[args...]')
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .action(async (args: string[]) => {
      const code = await runCurlCommand(ctx, args, command)
      if (code !== 0) throw new ExitCode(code)
    })
  command.addHelpText('after', '\n' + flagList())
  return describe(
    command,
    [
      [
        'read the Heroku account through the Atlas adapter "heroku"',
        'mom curl /v1/apis/http/heroku/account',
      ],
      [
        'a local Atlas, with the response headers',
        'mom curl --base-url http://127.0.0.1:8080 -i /v1/apis/http/github/user',
      ],
      [
        'POST JSON from a file and fail on an HTTP error',
        'mom curl -sSf --json @body.json /v1/apis/http/stub/items',
      ],
      [
        'only the status code',
        "mom curl -s -o /dev/null -w '%{http_code}\\n' /v1/apis/http/github/user",
      ],
    ],
    [
      ['MOM_BASE_URL', 'the Atlas to talk to (default https://atlas.moment.dev)'],
      ['MOM_TOKEN', "the credential (default: the one stored by 'mom auth login')"],
      [
        'MOM_CONFIG_DIR',
        'where stored credentials live (default $XDG_CONFIG_HOME/mom or ~/.config/mom)',
      ],
      ['NO_COLOR, FORCE_COLOR', 'colour of pretty-printed JSON on a terminal'],
    ],
  )
}

function flagList(): string {
  const rows = CURL_OPTIONS.map((spec) => {
    const names =
      (spec.short ? `-${spec.short}, ` : '    ') +
      `--${spec.long}` +
      (spec.arg ? ` ${spec.arg}` : '')
    return [names, spec.help, spec.mom] as const
  })
  const width = Math.max(...rows.map(([names]) => names.length))
  const line = ([names, help]: readonly [string, string, boolean | undefined]) =>
    `  ${names.padEnd(width)}  ${help}`
  return [
    'mom flags:',
    ...rows.filter((r) => r.at(2)).map(line),
    '',
    'curl flags (curl(1) meaning; any other flag is refused):',
    ...rows.filter((r) => !r.at(2)).map(line),
    '',
    'The PATH is appended to the base URL; a full URL is accepted only under the base URL.',
  ].join('\n')
}

async function runCurlCommand(ctx: Context, args: string[], command: Command): Promise<number> {
  const { parseCurlArgs } = await import('../curl/options.js')
  const opts = parseCurlArgs(args)
  if (opts.help) {
    command.outputHelp()
    return 0
  }

  const [
    { runCurl, checkRequestOptions },
    { parseBaseUrl, resolveTarget },
    { CurlError },
    { chooseBaseUrl },
  ] = await Promise.all([
    import('../curl/transfer.js'),
    import('../curl/target.js'),
    import('../curl/exit-codes.js'),
    import('../auth/login.js'),
  ])
  const io = await buildIo(ctx, opts.raw)
  try {
    checkRequestOptions(opts)
    const base = parseBaseUrl(chooseBaseUrl(opts.baseUrl, ctx.env))
    const url = resolveTarget(base, opts.urls[0]!)
    const token = await findToken(ctx, opts.token, base)
    return await runCurl(
      opts,
      {
        url,
        trustedOrigin: base.origin,
        credential: {
          name: 'Authorization',
          value: `Bearer ${token.reveal()}`,
          display: 'Bearer <redacted>',
        },
        userAgent: `mom/${pkg.version}`,
        program: 'mom',
      },
      io,
    )
  } catch (error) {
    if (!(error instanceof CurlError)) throw error
    if (!opts.silent || opts.showError) ctx.stderr.write(`mom: ${error.toLine()}\n`)
    return error.exitCode
  }
}

async function findToken(ctx: Context, flag: string | undefined, base: URL) {
  const { Secret } = await import('../secret.js')
  const given = flag ?? ctx.env.MOM_TOKEN
  if (given) {
    // The user typed or exported it for this command line: a malformed invocation, exit 2.
    const source = flag === undefined ? 'MOM_TOKEN' : '--token'
    if (!fitsHeader(given)) {
      throw new UsageError(`the credential in ${source} ${UNSENDABLE}`, {
        code: 'BAD_CREDENTIAL',
        hint: `give ${source} the token alone, without a line break`,
      })
    }
    return new Secret(given)
  }
  const { CredentialStore, configDir, normalizeBaseUrl } = await import('../auth/store.js')
  const key = normalizeBaseUrl(base.href)
  const stored = await new CredentialStore(configDir(ctx.env, ctx.homedir)).get(key)
  if (stored && !fitsHeader(stored)) {
    throw new MomError(`the credential stored for ${key} ${UNSENDABLE}`, {
      code: 'BAD_CREDENTIAL',
      hint: `run 'mom auth login --base-url ${key}' to store it again`,
    })
  }
  if (stored) return new Secret(stored)
  throw new MomError(`no credential for ${key}`, {
    code: 'NO_CREDENTIAL',
    hint: `run 'mom auth login --base-url ${key}', or pass --token or set MOM_TOKEN`,
    exitCode: 4,
  })
}

const UNSENDABLE =
  'holds a character an HTTP header cannot carry (a line break, NUL or another control character)'

/** A header value may hold tabs, visible ASCII, spaces and bytes 0x80-0xFF (RFC 9110, 5.5). */
function fitsHeader(value: string): boolean {
  return !/[^\t\x20-\x7e\x80-\xff]/.test(value)
}

async function buildIo(ctx: Context, raw: boolean): Promise<CurlIo> {
  const { createWriteStream } = await import('node:fs')
  const { readFile } = await import('node:fs/promises')
  const { resolve } = await import('node:path')
  // A reader that went away (`mom curl … | head`) makes further writes fail with curl's exit 23.
  let broken: Error | undefined
  ctx.stdout.on('error', (error: Error) => (broken ??= error))
  const stdout: Sink = {
    write: (chunk) => {
      if (broken) throw broken
      return ctx.stdout.write(chunk)
    },
    drain: () => drained(ctx.stdout),
    end: () => Promise.resolve(),
  }
  const { readAll } = await import('../streams.js')
  let stdin: Promise<Buffer> | undefined
  const io: CurlIo = {
    stdout,
    stderr: ctx.stderr,
    stdoutIsTTY: ctx.isTTY.stdout,
    openFile: (path) =>
      new Promise<Sink>((done, fail) => {
        const stream = createWriteStream(resolve(ctx.cwd, path))
        let failure: Error | undefined
        stream.on('error', (error) => {
          failure ??= error
          fail(error)
        })
        stream.once('open', () =>
          done({
            write: (chunk) => stream.write(chunk),
            drain: () => drained(stream),
            end: () =>
              new Promise<void>((finished, failed) => {
                if (failure) return failed(failure)
                stream.end(() => (failure ? failed(failure) : finished()))
              }),
          }),
        )
      }),
    readFile: (path) => readFile(resolve(ctx.cwd, path)),
    readStdin: () => (stdin ??= readAll(ctx.stdin)),
    now: () => ctx.now(),
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  }
  if (ctx.isTTY.stdout && !raw) {
    const chalk = await loadChalk(ctx, 'stdout')
    const { prettyJson } = await import('../curl/pretty.js')
    io.prettyJson = (text) =>
      prettyJson(text, {
        key: (t) => chalk.blue.bold(t),
        string: (t) => chalk.green(t),
        number: (t) => chalk.cyan(t),
        literal: (t) => chalk.magenta(t),
        punctuation: (t) => t,
      })
  }
  return io
}

/** Resolves on 'drain', or when the stream fails or closes, so a writer never waits forever. */
function drained(stream: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      stream.off('drain', done)
      stream.off('error', done)
      stream.off('close', done)
      resolve()
    }
    stream.on('drain', done)
    stream.on('error', done)
    stream.on('close', done)
  })
}
