import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { type AddressInfo, isIP } from 'node:net'
import type { Duplex } from 'node:stream'

import { type Dispatcher, Pool } from 'undici'

import type { Secret } from '../secret.js'
import { connectionOptions, HOP_BY_HOP_HEADERS } from './hop-by-hop.js'
import { basePathOf, joinUpstreamPath } from './join-url.js'
import type { HttpAdapter } from './load-config.js'
import type { RequestLog } from './request-log.js'

/** What an Atlas server needs; everything is fixed at start. */
export interface AtlasServerOptions {
  adapters: readonly HttpAdapter[]
  /** The bearer token every request but `GET /healthz` must carry. */
  token: Secret
  /** Bounds the wait for an upstream's response headers (SPEC section 4, default 30 s). */
  upstreamTimeoutMs: number
  log: RequestLog
  now?: () => number
  /** Certificates to trust for https upstreams besides the system's (a private CA, a test's). */
  ca?: string | Buffer
}

/** A running Atlas HTTP API; `close` stops it and the upstream connections. */
export interface AtlasServer {
  readonly server: Server
  listen(port: number, host: string): Promise<AddressInfo>
  /** Stops accepting, lets in-flight requests finish for up to `graceMs`, then cuts the rest. */
  close(graceMs?: number): Promise<void>
}

const PREFIX = '/v1/apis/http/'
const SLASH = 0x2f
const QUESTION = 0x3f

/** Everything forwarding to one adapter needs, computed once at start. */
interface Route {
  name: string
  pool: Pool
  basePath: string
  /** The TLS server name: the base URL's host name, even when the adapter sets its own Host. */
  servername: string | undefined
  /** `[name, value, …]` set over the client's headers: the adapter's, then `host`. */
  inject: string[]
  /** Lowercase names of `inject`: the client's headers of these names are dropped. */
  injected: ReadonlySet<string>
  timeoutBody: string
  unreachableBody: string
  failedBody: string
}

/** undici reads `servername` per request too, though its types do not list it. */
interface ForwardOptions extends Dispatcher.DispatchOptions {
  servername: string | undefined
}

/** Failures to reach the upstream at all, as opposed to an upstream that broke off. */
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'CERT_HAS_EXPIRED',
  'SELF_SIGNED_CERT_IN_CHAIN',
])

// How each request header the client sends is treated before forwarding.
const DROP = 1
const AUTHORIZATION = 2
const CONNECTION = 3
const TRANSFER_ENCODING = 4
const CONTENT_LENGTH = 5
const REQUEST_HEADERS = new Map<string, number>([
  ...[...HOP_BY_HOP_HEADERS].map((name): [string, number] => [name, DROP]),
  ['connection', CONNECTION],
  ['transfer-encoding', TRANSFER_ENCODING],
  ['content-length', CONTENT_LENGTH],
  // Atlas's own credential: checked here, never forwarded.
  ['authorization', AUTHORIZATION],
  // Replaced by the base URL's host.
  ['host', DROP],
  // Node has already answered `100 Continue`; the upstream hop negotiates its own.
  ['expect', DROP],
])

/**
 * Builds the Atlas HTTP API of SPEC section 4 on node:http, with one undici Pool per adapter:
 * `ANY /v1/apis/http/{adapter}/{path}?{query}` forwards, streaming both ways; `GET /v1/apis`
 * lists the adapters; `GET /healthz` answers without a token. Errors are JSON and never hold a
 * resolved secret.
 */
export function createAtlasServer(options: AtlasServerOptions): AtlasServer {
  const now = options.now ?? (() => performance.now())
  const { log } = options
  const routes = new Map<string, Route>()
  for (const adapter of options.adapters)
    routes.set(adapter.name, buildRoute(adapter, options.upstreamTimeoutMs, options.ca))
  const isAuthorized = tokenCheck(options.token)
  const listing = JSON.stringify({
    apis: options.adapters.map((a) => ({
      kind: a.kind,
      name: a.name,
      baseUrl: a.baseUrl,
      headers: a.headers.map((h) => h.name),
    })),
  })
  const known = [...routes.keys()]
  // LIMITATION: undici checks this timeout on a coarse clock, so a 504 comes up to about one
  // second after --upstream-timeout; exact timing needs a timer per request on the hot path.
  const headersTimeout = options.upstreamTimeoutMs
  let inFlight = 0
  let onIdle: (() => void) | undefined

  // No limit on receiving a whole request: uploads stream for as long as they take. Headers
  // must still arrive within Node's default headersTimeout.
  // LIMITATION: an Upgrade request (WebSocket) is forwarded as a plain request without its
  // Upgrade header, so WebSocket endpoints cannot be used through a local Atlas; supporting them
  // needs an 'upgrade' handler that dials the upstream and splices the two sockets.
  const server = createServer({ requestTimeout: 0 }, handle)
  // A request Node cannot parse (a raw non-ASCII byte in the target, oversized headers) gets a
  // JSON error like every other, in place of Node's bare status line.
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (!socket.writable || error.code === 'ECONNRESET') return void socket.destroy()
    const [status, reason] = CLIENT_ERRORS[error.code ?? ''] ?? [400, 'Bad Request']
    const body = errorBody('bad_request', `the request could not be read: ${reason.toLowerCase()}`)
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    )
  })
  // `Expect: 100-continue`: only a client with the token is asked for its body.
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    if (isAuthorized(soleAuthorization(req))) res.writeContinue()
    handle(req, res)
  })

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const start = now()
    const url = originForm(req.url ?? '/')
    if (url.startsWith(PREFIX)) return forward(req, res, url, start)

    const query = url.indexOf('?')
    const path = query === -1 ? url : url.slice(0, query)
    let status: number
    if (path === '/healthz' && isReadMethod(req.method)) {
      status = sendJson(res, 200, '{"status":"ok"}')
    } else if (!isAuthorized(soleAuthorization(req))) {
      status = sendUnauthorized(res)
    } else if (path === '/v1/apis' && isReadMethod(req.method)) {
      status = sendJson(res, 200, listing)
    } else {
      status = sendJson(
        res,
        404,
        errorBody('not_found', 'no such route; adapters are served under /v1/apis/http/{adapter}/'),
      )
    }
    log.record(req.method ?? '-', '-', path, status, now() - start)
  }

  function forward(req: IncomingMessage, res: ServerResponse, url: string, start: number): void {
    // route: /v1/apis/http/{adapter}{path}{query}
    let end = PREFIX.length
    for (; end < url.length; end++) {
      const c = url.charCodeAt(end)
      if (c === SLASH || c === QUESTION) break
    }
    const name = url.slice(PREFIX.length, end)
    const route = routes.get(name)
    const q = url.indexOf('?', end)
    const path = q === -1 ? url.slice(end) : url.slice(end, q)
    const query = q === -1 ? '' : url.slice(q)

    // headers: one pass that drops what must not travel and notes what matters here
    const raw = req.rawHeaders
    const injected = route?.injected
    const headers: string[] = []
    let authorization: string | undefined
    let connection: string | undefined
    let hasBody = false
    for (let i = 0; i < raw.length; i += 2) {
      const key = raw[i]!
      const value = raw[i + 1]!
      const lower = key.toLowerCase()
      const kind = REQUEST_HEADERS.get(lower)
      if (kind !== undefined) {
        if (kind === CONTENT_LENGTH) {
          hasBody = value !== '0'
        } else {
          // Two Authorization headers are not "the" bearer token: '' is never authorized.
          if (kind === AUTHORIZATION) authorization = authorization === undefined ? value : ''
          else if (kind === CONNECTION)
            connection = connection === undefined ? value : `${connection},${value}`
          else if (kind === TRANSFER_ENCODING) hasBody = true
          continue
        }
      }
      if (injected !== undefined && injected.has(lower)) continue
      headers.push(key, value)
    }

    const method = req.method ?? 'GET'
    if (!isAuthorized(authorization))
      return done(method, route ? name : '-', url, start, sendUnauthorized(res))
    if (route === undefined) {
      const message = `no adapter named ${JSON.stringify(name)}; known adapters: ${known.length > 0 ? known.join(', ') : '(none)'}`
      return done(
        method,
        '-',
        url,
        start,
        sendJson(res, 404, errorBody('unknown_adapter', message, { adapters: known })),
      )
    }
    // TRACE makes an upstream echo the request it got, adapter credentials included.
    if (method === 'TRACE') {
      res.setHeader('allow', 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS')
      const body = errorBody(
        'method_not_allowed',
        `${method} is not forwarded: the upstream would echo the adapter's headers`,
      )
      return done(method, name, url, start, sendJson(res, 405, body))
    }
    const joined = joinUpstreamPath(route.basePath, path, query)
    if ('refused' in joined) {
      const body = errorBody(
        'unsafe_path',
        `path refused (${joined.refused}): it could leave the adapter's base URL; nothing was forwarded`,
      )
      return done(method, name, url, start, sendJson(res, 400, body))
    }
    const named = connectionOptions(connection)
    const outgoing = named === undefined ? headers : dropNamed(headers, named)
    for (let i = 0; i < route.inject.length; i++) outgoing.push(route.inject[i]!)

    inFlight++
    const handler = new ForwardHandler(req, res, route, method, url, start)
    const dispatch: ForwardOptions = {
      path: joined.target,
      method,
      headers: outgoing,
      body: hasBody ? req : null,
      headersTimeout,
      servername: route.servername,
    }
    route.pool.dispatch(dispatch, handler)
  }

  function done(method: string, adapter: string, url: string, start: number, status: number): void {
    log.record(method, adapter, url, status, now() - start)
  }

  /**
   * Relays one upstream response to the client as undici reports it (raw header buffers, so
   * repeated headers stay repeated), with backpressure both ways and an abort when the client
   * goes away.
   */
  class ForwardHandler implements Dispatcher.DispatchHandler {
    #abort: ((error: Error) => void) | undefined
    #resume: (() => void) | undefined
    #drainHooked = false
    #logged = false

    constructor(
      readonly req: IncomingMessage,
      readonly res: ServerResponse,
      readonly route: Route,
      readonly method: string,
      readonly url: string,
      readonly start: number,
    ) {
      res.on('close', this.#onClose)
    }

    onConnect(abort: (error?: Error) => void): void {
      if (this.res.destroyed) abort(new ClientGoneError())
      else this.#abort = abort
    }

    onHeaders(
      statusCode: number,
      rawHeaders: Buffer[],
      resume: () => void,
      statusText: string,
    ): boolean {
      // 1xx interim responses (103 Early Hints) are not relayed.
      if (statusCode < 200) return true
      this.#resume = resume
      this.res.writeHead(statusCode, statusText || undefined, responseHeaders(rawHeaders))
      return true
    }

    onData(chunk: Buffer): boolean {
      const ok = this.res.write(chunk)
      if (!ok && !this.#drainHooked) {
        this.#drainHooked = true
        this.res.on('drain', () => this.#resume?.())
      }
      return ok
    }

    onComplete(): void {
      this.res.end()
      this.#finish(this.res.statusCode)
    }

    onError(error: Error): void {
      if (this.#logged) return
      const { res } = this
      if (error instanceof ClientGoneError || res.destroyed) return this.#finish(499)
      if (res.headersSent) {
        // The status is out; all that can still say "broken" is an unfinished body.
        res.destroy()
        return this.#finish(res.statusCode)
      }
      const code = (error as { code?: string }).code
      if (code === 'UND_ERR_HEADERS_TIMEOUT')
        return this.#finish(sendJson(res, 504, this.route.timeoutBody))
      if (code === 'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH' || code === 'UND_ERR_INVALID_ARG') {
        return this.#finish(
          sendJson(res, 400, errorBody('bad_request', 'the request cannot be forwarded as sent')),
        )
      }
      this.#finish(
        sendJson(
          res,
          502,
          code !== undefined && UNREACHABLE.has(code)
            ? this.route.unreachableBody
            : this.route.failedBody,
        ),
      )
    }

    #finish(status: number): void {
      if (this.#logged) return
      this.#logged = true
      log.record(this.method, this.route.name, this.url, status, now() - this.start)
    }

    readonly #onClose = (): void => {
      if (!this.res.writableFinished) {
        this.#abort?.(new ClientGoneError())
        this.#finish(499)
      }
      if (--inFlight === 0) onIdle?.()
    }
  }

  return {
    server,
    listen(port, host) {
      return new Promise((resolve, reject) => {
        server.once('error', reject)
        server.listen(port, host, () => {
          server.off('error', reject)
          resolve(server.address() as AddressInfo)
        })
      })
    },
    async close(graceMs = 2000) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      server.closeIdleConnections()
      if (inFlight > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, graceMs)
          onIdle = () => {
            clearTimeout(timer)
            resolve()
          }
        })
      }
      server.closeAllConnections()
      await closed
      await Promise.all([...routes.values()].map((route) => route.pool.destroy()))
      log.flush()
    },
  }
}

class ClientGoneError extends Error {
  constructor() {
    super('the client closed the connection')
    this.name = 'ClientGoneError'
  }
}

function buildRoute(
  adapter: HttpAdapter,
  upstreamTimeoutMs: number,
  ca: string | Buffer | undefined,
): Route {
  const { url, name } = adapter
  const inject: string[] = []
  const injected = new Set<string>(['host'])
  for (const header of adapter.headers) {
    inject.push(header.name, header.value.reveal())
    injected.add(header.name.toLowerCase())
  }
  // Host is the base URL's host (unless the adapter sets its own); undici takes the TLS server
  // name from it as well.
  if (!adapter.headers.some((h) => h.name.toLowerCase() === 'host')) inject.push('host', url.host)
  const seconds = upstreamTimeoutMs / 1000
  return {
    name,
    pool: new Pool(url.origin, {
      connect: { timeout: Math.min(upstreamTimeoutMs, 10_000), ...(ca ? { ca } : {}) },
    }),
    servername:
      url.protocol === 'https:' && isIP(url.hostname.replace(/^\[|\]$/g, '')) === 0
        ? url.hostname
        : undefined,
    basePath: basePathOf(url.pathname),
    inject,
    injected,
    timeoutBody: errorBody(
      'upstream_timeout',
      `adapter "${name}" timed out: no response headers within ${seconds} s`,
      { adapter: name },
    ),
    unreachableBody: errorBody(
      'upstream_unreachable',
      `adapter "${name}" is unreachable: its upstream could not be reached`,
      { adapter: name },
    ),
    failedBody: errorBody(
      'upstream_failed',
      `adapter "${name}" failed: its upstream broke off or gave an answer that cannot be relayed`,
      { adapter: name },
    ),
  }
}

/**
 * The upstream's response headers as a flat list, without hop-by-hop ones and those that
 * `Connection` names.
 */
function responseHeaders(raw: Buffer[]): string[] {
  const headers: string[] = []
  let connection: string | undefined
  for (let i = 0; i < raw.length; i += 2) {
    const key = raw[i]!.toString('latin1')
    const lower = key.toLowerCase()
    if (HOP_BY_HOP_HEADERS.has(lower)) {
      if (lower === 'connection')
        connection =
          connection === undefined
            ? raw[i + 1]!.toString('latin1')
            : `${connection},${raw[i + 1]!.toString('latin1')}`
      continue
    }
    headers.push(key, raw[i + 1]!.toString('latin1'))
  }
  const named = connectionOptions(connection)
  return named === undefined ? headers : dropNamed(headers, named)
}

/**
 * The path and query of a request target. A target in absolute form (`http://host/path`, which
 * RFC 9112 section 3.2.2 says servers must accept) routes by its path; its host is ignored, as
 * the upstream host comes from the adapter alone.
 */
function originForm(target: string): string {
  if (target.charCodeAt(0) === SLASH) return target
  const scheme = target.indexOf('://')
  if (scheme === -1) return target
  const path = target.indexOf('/', scheme + 3)
  const query = target.indexOf('?', scheme + 3)
  if (path === -1 || (query !== -1 && query < path))
    return query === -1 ? '/' : '/' + target.slice(query)
  return target.slice(path)
}

function dropNamed(headers: string[], names: ReadonlySet<string>): string[] {
  const kept: string[] = []
  for (let i = 0; i < headers.length; i += 2) {
    if (!names.has(headers[i]!.toLowerCase())) kept.push(headers[i]!, headers[i + 1]!)
  }
  return kept
}

/**
 * A check of `Authorization: Bearer <token>` whose time does not depend on how much of the
 * token matches (only on its length); the scheme is matched case-insensitively.
 */
function tokenCheck(token: Secret): (header: string | undefined) => boolean {
  const expected = `bearer ${token.reveal()}`
  return (header) => {
    if (header === undefined || header.length !== expected.length) return false
    let diff = 0
    for (let i = 0; i < 7; i++) diff |= (header.charCodeAt(i) | 0x20) ^ expected.charCodeAt(i)
    for (let i = 7; i < expected.length; i++) diff |= header.charCodeAt(i) ^ expected.charCodeAt(i)
    return diff === 0
  }
}

function isReadMethod(method: string | undefined): boolean {
  return method === 'GET' || method === 'HEAD'
}

const CLIENT_ERRORS: Record<string, [number, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'Request Header Fields Too Large'],
  HPE_CHUNK_EXTENSIONS_OVERFLOW: [413, 'Payload Too Large'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'Request Timeout'],
}

function errorBody(code: string, message: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ error: { code, message, ...extra } })
}

function sendJson(res: ServerResponse, status: number, body: string): number {
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
  })
  res.end(body)
  return status
}

function sendUnauthorized(res: ServerResponse): number {
  res.setHeader('www-authenticate', 'Bearer realm="atlas"')
  return sendJson(
    res,
    401,
    errorBody(
      'unauthorized',
      'missing or wrong bearer token; send Authorization: Bearer <token> for this Atlas',
    ),
  )
}

/**
 * The request's Authorization header when it sent exactly one; '' (never authorized) for two or
 * more, which Node's `req.headers` would quietly reduce to the first.
 */
function soleAuthorization(req: IncomingMessage): string | undefined {
  let found: string | undefined
  const raw = req.rawHeaders
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i]!.length === 13 && raw[i]!.toLowerCase() === 'authorization') {
      if (found !== undefined) return ''
      found = raw[i + 1]
    }
  }
  return found
}
