import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import { readFile } from 'node:fs/promises'
import type { Socket } from 'node:net'

import type { Dispatcher } from 'undici'
import Client from 'undici/lib/dispatcher/client.js'
import buildConnector from 'undici/lib/core/connect.js'

import { CurlError, EXIT } from './exit-codes.js'
import type { HeaderLine } from './request.js'

/** undici's connector as it really is: it answers the socket it opened. */
type Connect = (
  options: buildConnector.Options,
  callback: (error: Error | null, socket: Socket | null) => void,
) => Socket

/** One request on the wire: one hop of a transfer. */
export interface HopRequest {
  method: string
  url: URL
  /** The query as sent, when it is not the URL's own (see RequestPlan.query). */
  query?: string
  headers: HeaderLine[]
  body?: Buffer
}

/** The request target on the status line: the path and the query as they go on the wire. */
export function requestPath(hop: { url: URL; query?: string }): string {
  return hop.url.pathname + (hop.query ?? hop.url.search)
}

/** The status line and headers exactly as received (names keep their case, repeats stay apart). */
export interface ResponseHead {
  statusCode: number
  statusText: string
  httpVersion: string
  headers: [string, string][]
}

export interface HopCallbacks {
  /** The connection is up and the request is being written. */
  onConnect?(reused: boolean): void
  /** `resume` restarts a body that `onData` paused by answering false. */
  onResponse(head: ResponseHead, resume: () => void): void
  onData(chunk: Buffer): boolean
}

export interface ConnectionOptions {
  insecure: boolean
  cacert?: string
  /** Seconds; curl's default is 300. */
  connectTimeout?: number
}

/**
 * One undici Client per origin, reused across redirect hops as curl reuses a connection, with
 * curl's TLS and connect settings. `close()` ends them all.
 */
export class Connections {
  readonly #clients = new Map<string, { client: Dispatcher; used: boolean; id: number }>()
  readonly #addresses = new Map<string, string>()
  /** Sockets still connecting: undici cannot end them, so a timeout or close() does. */
  readonly #connecting = new Set<Socket>()
  readonly #options: ConnectionOptions
  #ca: Promise<Buffer | undefined> | undefined
  readonly #onConnected = (message: unknown) => {
    const { connectParams, socket } = message as {
      connectParams: { protocol: string; host: string }
      socket: Socket
    }
    if (socket.remoteAddress)
      this.#addresses.set(`${connectParams.protocol}//${connectParams.host}`, socket.remoteAddress)
  }

  constructor(options: ConnectionOptions) {
    this.#options = options
    // The address a name resolved to, for -v and %{remote_ip}, as undici reports it.
    subscribe('undici:client:connected', this.#onConnected)
  }

  /** The IP address the connection to this origin reached, once connected. */
  remoteAddress(origin: string): string | undefined {
    return this.#addresses.get(origin)
  }

  /** curl's connection number for -v (`#0`, `#1`, …), one per origin. */
  idOf(origin: string): number {
    return this.#clients.get(origin)?.id ?? this.#clients.size
  }

  async get(url: URL): Promise<{ client: Dispatcher; reused: boolean }> {
    const found = this.#clients.get(url.origin)
    if (found) {
      const reused = found.used
      found.used = true
      return { client: found.client, reused }
    }
    // The CA file matters only for https: curl never reads it for http.
    const ca = url.protocol === 'https:' ? await this.#loadCa() : undefined
    const timeout = Math.max(1, Math.round((this.#options.connectTimeout || 300) * 1000))
    const client = new Client(url.origin, {
      headersTimeout: 0,
      bodyTimeout: 0,
      connect: this.#connector(
        buildConnector({
          // undici's own connect timer runs late by up to half a second; this one is curl's.
          timeout: 0,
          rejectUnauthorized: !this.#options.insecure,
          ...(ca ? { ca } : {}),
        }),
        timeout,
      ),
    })
    this.#clients.set(url.origin, { client, used: true, id: this.#clients.size })
    return { client, reused: false }
  }

  /**
   * Ends every connection at once, a connect still in progress included, and fails the request
   * in flight with `error`; `-m` uses it so nothing outlives the timeout.
   */
  async close(error?: Error): Promise<void> {
    unsubscribe('undici:client:connected', this.#onConnected)
    const clients = [...this.#clients.values()].map((c) => c.client)
    this.#clients.clear()
    for (const socket of this.#connecting) socket.destroy(error ?? new Error('closed'))
    this.#connecting.clear()
    await Promise.all(
      clients.map((c) => (error ? c.destroy(error) : c.destroy()).catch(() => undefined)),
    )
  }

  /** Wraps undici's connector with curl's connect timeout and keeps hold of the socket. */
  #connector(base: buildConnector.connector, timeoutMs: number): buildConnector.connector {
    return (options: buildConnector.Options, callback: buildConnector.Callback) => {
      const started = Date.now()
      let settled = false
      const socket = (base as unknown as Connect)(options, (error, connected) => {
        clearTimeout(timer)
        this.#connecting.delete(socket)
        if (settled) return
        settled = true
        if (error) callback(error, null)
        else callback(null, connected!)
      })
      this.#connecting.add(socket)
      const timer = setTimeout(() => {
        if (settled) return
        settled = true
        this.#connecting.delete(socket)
        const port = options.port || (options.protocol === 'https:' ? '443' : '80')
        const host = options.hostname.replace(/^\[|\]$/g, '')
        const failure = new CurlError(
          EXIT.OPERATION_TIMEDOUT,
          `Failed to connect to ${host} port ${port} after ${Date.now() - started} ms: Timeout was reached`,
        )
        socket.destroy()
        callback(failure, null)
      }, timeoutMs)
      return socket
    }
  }

  #loadCa(): Promise<Buffer | undefined> {
    const path = this.#options.cacert
    this.#ca ??= path
      ? readFile(path).catch(() => {
          throw new CurlError(EXIT.SSL_CACERT_BADFILE, `error setting certificate file: ${path}`)
        })
      : Promise.resolve(undefined)
    return this.#ca
  }
}

/**
 * Sends one request and reports the response through the callbacks; resolves when the body has
 * ended. Failures reject with curl's exit code and wording. `abort` lets a timer end it.
 */
export function sendHop(
  dispatcher: Dispatcher,
  request: HopRequest,
  callbacks: HopCallbacks,
  reused: boolean,
  signal: { onAbort?: (error: Error) => void },
): Promise<void> {
  // LIMITATION: undici adds `connection: keep-alive`, writes Content-Length after the other
  // headers, and sends `content-length: 0` for a POST, PUT or PATCH without a body, so the
  // server sees those three details differently from curl; a fix needs a raw HTTP/1.1 writer.
  const flat: string[] = []
  for (const header of request.headers) flat.push(header.name, header.value)
  const started = Date.now()
  let gotHeaders = false
  let expected: number | undefined
  let received = 0

  return new Promise<void>((resolve, reject) => {
    let abortFn: ((error?: Error) => void) | undefined
    let pending: Error | undefined
    signal.onAbort = (error) => {
      pending = error
      if (abortFn) abortFn(error)
    }
    const handler: Dispatcher.DispatchHandler = {
      onConnect(abort) {
        abortFn = abort
        if (pending) return abort(pending)
        callbacks.onConnect?.(reused)
      },
      onHeaders(statusCode, rawHeaders, resume, statusText) {
        // 1xx responses (100 Continue) are not the answer; curl hides them without -v.
        if (statusCode < 200) return true
        gotHeaders = true
        const headers: [string, string][] = []
        for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
          headers.push([rawHeaders[i]!.toString('latin1'), rawHeaders[i + 1]!.toString('latin1')])
        }
        const length = headers.find(([name]) => name.toLowerCase() === 'content-length')
        expected = length ? Number(length[1]) : undefined
        // LIMITATION: the status line always reads HTTP/1.1, even from an HTTP/1.0 server, because
        // undici does not report the version it parsed; a fix needs that from undici's parser.
        callbacks.onResponse({ statusCode, statusText, httpVersion: '1.1', headers }, resume)
        return true
      },
      onData(chunk) {
        received += chunk.length
        return callbacks.onData(chunk)
      },
      onComplete() {
        resolve()
      },
      onError(error) {
        if (error instanceof CurlError) return reject(error)
        reject(
          translateError(error, request.url, Date.now() - started, gotHeaders, expected, received),
        )
      },
    }
    try {
      dispatcher.dispatch(
        {
          origin: request.url.origin,
          path: requestPath(request),
          method: request.method,
          headers: flat,
          body: request.body,
          // Keep the connection after HEAD too, as curl does (undici closes it by default).
          reset: false,
        },
        handler,
      )
    } catch (error) {
      reject(translateError(error as Error, request.url, 0, false, undefined, 0))
    }
  })
}

const CERT_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
])

/** Maps an undici or socket failure to curl's exit code and message. */
export function translateError(
  error: Error,
  url: URL,
  elapsedMs: number,
  gotHeaders: boolean,
  expected: number | undefined,
  received: number,
): CurlError {
  const code = (error as NodeJS.ErrnoException).code ?? ''
  const host = url.hostname.replace(/^\[|\]$/g, '')
  const port = url.port || (url.protocol === 'https:' ? '443' : '80')
  if (
    code === 'ECONNREFUSED' ||
    code === 'EHOSTUNREACH' ||
    code === 'ENETUNREACH' ||
    code === 'EADDRNOTAVAIL'
  ) {
    return new CurlError(
      EXIT.COULDNT_CONNECT,
      `Failed to connect to ${host} port ${port} after ${elapsedMs} ms: Couldn't connect to server`,
    )
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME') {
    return new CurlError(EXIT.COULDNT_RESOLVE_HOST, `Could not resolve host: ${host}`)
  }
  if (code === 'UND_ERR_CONNECT_TIMEOUT') {
    return new CurlError(
      EXIT.OPERATION_TIMEDOUT,
      `Connection timed out after ${elapsedMs} milliseconds`,
    )
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return new CurlError(
      EXIT.PEER_FAILED_VERIFICATION,
      `SSL: no alternative certificate subject name matches target host name '${host}'`,
    )
  }
  if (CERT_CODES.has(code)) {
    return new CurlError(EXIT.PEER_FAILED_VERIFICATION, `SSL certificate problem: ${error.message}`)
  }
  if (code.startsWith('ERR_SSL') || code.startsWith('ERR_TLS') || /SSL|TLS/.test(error.message)) {
    return new CurlError(EXIT.SSL_CONNECT_ERROR, `SSL connect error: ${error.message}`)
  }
  if (code.startsWith('HPE_')) {
    return new CurlError(EXIT.WEIRD_SERVER_REPLY, 'Weird server reply')
  }
  if (code === 'UND_ERR_INVALID_ARG' || code === 'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH') {
    return new CurlError(EXIT.BAD_FUNCTION_ARGUMENT, `bad request: ${error.message}`)
  }
  if (!gotHeaders) {
    if (code === 'UND_ERR_SOCKET' || code === 'ECONNRESET' || code === 'EPIPE') {
      return new CurlError(EXIT.GOT_NOTHING, 'Empty reply from server')
    }
    return new CurlError(EXIT.RECV_ERROR, `Recv failure: ${error.message}`)
  }
  if (expected !== undefined && received < expected) {
    return new CurlError(
      EXIT.PARTIAL_FILE,
      `transfer closed with ${expected - received} bytes remaining to read`,
    )
  }
  if (code === 'UND_ERR_SOCKET') {
    return new CurlError(EXIT.PARTIAL_FILE, 'transfer closed with outstanding read data remaining')
  }
  return new CurlError(EXIT.RECV_ERROR, `Recv failure: ${error.message}`)
}
