import { randomBytes } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'

import { configDir, CredentialStore, normalizeBaseUrl } from '../auth/store.js'
import { MomError } from '../errors.js'
import { Secret } from '../secret.js'
import { loadAtlasConfig } from './load-config.js'
import { type LogSink, RequestLog } from './request-log.js'
import { createAtlasServer } from './server.js'

/** How to start a local Atlas; the command fills this from its flags and the environment. */
export interface StartAtlasOptions {
  /** The Atlas file as the user named it (shown in messages), resolved against `cwd`. */
  file: string
  cwd: string
  env: Readonly<Record<string, string | undefined>>
  homedir: string
  host: string
  port: number
  /** From `--token` or `MOM_ATLAS_TOKEN`; when absent, one is generated and stored for mom curl. */
  token: string | undefined
  /** Where the token came from, for the status line (`--token`, `MOM_ATLAS_TOKEN`). */
  tokenSource?: string
  upstreamTimeoutMs: number
  /** Status lines and the request log go here (stderr). */
  stderr: LogSink
  now?: () => number
}

/** A started Atlas: where it listens, and how to stop it. */
export interface RunningAtlas {
  url: string
  close(): Promise<void>
}

/**
 * Starts `mom atlas run` (SPEC section 4): checks the whole file and every referenced
 * environment variable before listening, listens, stores a generated token as the credential
 * for the instance's URL, and prints one status line. The token itself is never printed.
 */
export async function startAtlas(options: StartAtlasOptions): Promise<RunningAtlas> {
  const source = await readAtlasFile(options.file, options.cwd)
  const config = loadAtlasConfig(source, options.file, options.env)
  for (const { kind, name } of config.skipped) {
    options.stderr.write(
      `mom: warning: adapter "${name}" is of kind ${kind}, which mom atlas run does not serve; skipping it\n`,
    )
  }


  const generated = options.token === undefined
  const token = new Secret(options.token ?? randomBytes(32).toString('base64url'))
  const log = new RequestLog(options.stderr)
  const atlas = createAtlasServer({
    adapters: config.adapters,
    token,
    upstreamTimeoutMs: options.upstreamTimeoutMs,
    log,
    now: options.now,
  })
  const address = await atlas
    .listen(options.port, options.host)
    .catch((error: NodeJS.ErrnoException) => {
      throw new MomError(
        `cannot listen on ${options.host}:${options.port}: ${listenProblem(error)}`,
        { code: 'LISTEN_FAILED', cause: error },
      )
    })
  const url = normalizeBaseUrl(`http://${hostForUrl(options.host)}:${address.port}`)

  let where = `token from ${options.tokenSource ?? 'the caller'}`
  if (generated) {
    const store = new CredentialStore(configDir(options.env, options.homedir))
    try {
      await store.set(url, token.reveal())
    } catch (error) {
      await atlas.close(0)
      throw error
    }
    where = `token saved for mom curl in ${store.path}`
  }
  const names = config.adapters.map((a) => a.name).join(', ') || 'none'
  const label = config.name ? `atlas ${config.name}` : 'atlas'
  options.stderr.write(`${label} listening on ${url} (adapters: ${names}); ${where}\n`)
  return { url, close: () => atlas.close() }
}

async function readAtlasFile(file: string, cwd: string): Promise<string> {
  try {
    return await readFile(resolve(cwd, file), 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EACCES'
          ? 'permission denied'
          : code === 'EISDIR'
            ? 'is a directory'
            : 'cannot be read'
    throw new MomError(why, { code: 'FILE_UNREADABLE', location: { file }, cause: error })
  }
}

/**
 * The host part of the instance's URL, as clients will write it: the name given to --host, with
 * a wildcard address turned into the loopback one and an IPv6 literal in brackets.
 */
function hostForUrl(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1'
  if (host === '::' || host === '[::]') return '[::1]'
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host
}

function listenProblem(error: NodeJS.ErrnoException): string {
  if (error.code === 'EADDRINUSE') return 'address already in use'
  if (error.code === 'EACCES') return 'permission denied'
  if (error.code === 'EADDRNOTAVAIL') return 'address not available on this machine'
  return error.code ?? error.message
}
