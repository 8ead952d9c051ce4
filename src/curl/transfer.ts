import { BodyWriter, Output, startDecoder, type Sink } from './body.js'
import { CurlError, EXIT } from './exit-codes.js'
import { ProgressMeter } from './progress.js'
import type { CurlOptions } from './options.js'
import {
  formatHeaderBlock,
  formatVerboseRequest,
  formatVerboseResponse,
  formatWriteOut,
  type TransferInfo,
} from './output.js'
import { buildRequest, type HeaderLine, type RequestPlan } from './request.js'
import { Connections, requestPath, sendHop, type HopRequest, type ResponseHead } from './send.js'

export { checkRequestOptions } from './request.js'
export type { Sink } from './body.js'

/** What a transfer may touch; the command supplies the real streams, tests their own. */
export interface CurlIo {
  stdout: Sink
  stderr: { write(text: string): unknown }
  stdoutIsTTY: boolean
  /** Opens (creating or truncating) a file for -o or -D; rejects when it cannot. */
  openFile(path: string): Promise<Sink>
  readFile(path: string): Promise<Buffer>
  readStdin(): Promise<Buffer>
  /** Milliseconds, monotonic. */
  now(): number
  sleep(ms: number): Promise<void>
  /** Turns a JSON body into terminal output (indented, coloured), or undefined to keep it raw. */
  prettyJson?: (text: string) => string | undefined
}

export interface CurlTarget {
  url: URL
  /** Sent only to this origin, never after a redirect elsewhere. */
  trustedOrigin: string
  credential?: HeaderLine
  userAgent: string
  /** The program name in error lines: `mom: (7) …`. */
  program: string
}

/**
 * Runs one `curl` command line's transfer: builds the request, sends it (following redirects
 * and retrying as asked), writes the output curl would write, and answers curl's exit code.
 * Errors are printed as `<program>: (N) message` unless -s is given without -S.
 */
export async function runCurl(opts: CurlOptions, target: CurlTarget, io: CurlIo): Promise<number> {
  let plan: RequestPlan
  try {
    plan = await buildRequest(opts, target.url, io, {
      userAgent: target.userAgent,
      credential: target.credential,
    })
  } catch (error) {
    if (!(error instanceof CurlError)) throw error
    return report(opts, target, io, error)
  }

  let writeOut = opts.writeOut
  if (writeOut?.startsWith('@')) {
    const source = writeOut.slice(1)
    writeOut = joinLines(
      (source === '-'
        ? await io.readStdin()
        : await io.readFile(source).catch(() => Buffer.alloc(0))
      ).toString(),
    )
  }

  // curl draws its meter unless -s or --no-progress-meter, or when the body goes to a terminal.
  const toTerminal = io.stdoutIsTTY && (opts.output === undefined || opts.output === '-')
  const showMeter = !opts.silent && !opts.noProgressMeter && !toTerminal
  const meter = showMeter ? new ProgressMeter((text) => io.stderr.write(text), io.now) : undefined

  let retriesLeft = opts.retry
  let delay = opts.retryDelay > 0 ? opts.retryDelay * 1000 : 1000
  for (;;) {
    // -m and %{time_total} count each attempt on its own, as in curl.
    const result = await transferOnce(opts, plan, target, io, io.now(), meter)
    const reason = retryReason(result)
    if (reason && retriesLeft > 0) {
      const wait = result.retryAfter ?? delay
      if (!opts.silent) {
        io.stderr.write(
          `Warning: Problem ${reason}. Will retry in ${Math.round(wait / 1000)} seconds. ${retriesLeft} retries left.\n`,
        )
      }
      if (!opts.silent && opts.output && opts.output !== '-' && result.info.sizeDownload > 0) {
        io.stderr.write(`Throwing away ${result.info.sizeDownload} bytes\n`)
      }
      retriesLeft -= 1
      await io.sleep(wait)
      if (opts.retryDelay <= 0) delay = Math.min(delay * 2, 600_000)
      continue
    }
    // curl prints the error line first, then the --write-out text.
    const code = result.error ? report(opts, target, io, result.error) : 0
    if (writeOut !== undefined) emitWriteOut(writeOut, result.info, io, target.program)
    return code
  }
}

/** curl reads `-w @file` line by line and keeps each line only up to its first CR or LF. */
function joinLines(text: string): string {
  return text
    .split('\n')
    .map((line) => line.split('\r')[0])
    .join('')
}

interface AttemptResult {
  info: TransferInfo
  error?: CurlError
  retryAfter?: number
}

const RETRY_STATUS = new Set([408, 429, 500, 502, 503, 504])

// curl retries a timeout, a failed name lookup, and HTTP 408, 429, 500, 502, 503 and 504.
function retryReason(result: AttemptResult): string | undefined {
  const code = result.error?.exitCode
  if (code === EXIT.OPERATION_TIMEDOUT || code === EXIT.COULDNT_RESOLVE_HOST) return ': timeout'
  if (
    (code === undefined || code === EXIT.HTTP_RETURNED_ERROR) &&
    RETRY_STATUS.has(result.info.httpCode)
  ) {
    return ': HTTP error'
  }
  return undefined
}

function report(opts: CurlOptions, target: CurlTarget, io: CurlIo, error: CurlError): number {
  if (!opts.silent || opts.showError) io.stderr.write(`${target.program}: ${error.toLine()}\n`)
  return error.exitCode
}

function emitWriteOut(format: string, info: TransferInfo, io: CurlIo, program: string): void {
  const { pieces, warnings } = formatWriteOut(format, info)
  for (const warning of warnings) io.stderr.write(`${program}: ${warning}\n`)
  for (const piece of pieces) {
    if (piece.stream === 'stderr') io.stderr.write(piece.text)
    else {
      try {
        io.stdout.write(piece.text)
      } catch {
        // A closed stdout has already been reported as exit 23.
      }
    }
  }
}

function emptyInfo(url: URL, method: string, started: number, io: CurlIo): TransferInfo {
  return {
    httpCode: 0,
    contentType: '',
    sizeDownload: 0,
    sizeHeader: 0,
    sizeUpload: 0,
    timeTotal: (io.now() - started) / 1000,
    urlEffective: url.href,
    headers: [],
    numRedirects: 0,
    method,
    exitCode: 0,
    errorMessage: '',
    redirectUrl: '',
    remoteIp: '',
    remotePort: '',
    scheme: url.protocol.replace(/:$/, '').toUpperCase(),
    url: url.href,
    sizeRequest: 0,
  }
}

async function transferOnce(
  opts: CurlOptions,
  plan: RequestPlan,
  target: CurlTarget,
  io: CurlIo,
  started: number,
  meter: ProgressMeter | undefined,
): Promise<AttemptResult> {
  const connections = new Connections({
    insecure: opts.insecure,
    cacert: opts.cacert,
    connectTimeout: opts.connectTimeout,
  })
  const output = new Output(opts.output, io.stdout, io.openFile)
  const dump =
    opts.dumpHeader === undefined ? undefined : new Output(opts.dumpHeader, io.stdout, io.openFile)
  const info = emptyInfo(plan.url, plan.method, started, io)
  const verbose = (text: string) => {
    if (opts.verbose) io.stderr.write(text)
  }
  meter?.start()

  let hop: HopRequest = {
    method: plan.method,
    url: plan.url,
    ...(plan.query === undefined ? {} : { query: plan.query }),
    headers: plan.headers,
    body: plan.body,
  }
  let isPost = plan.isPost
  let timer: NodeJS.Timeout | undefined
  let abortHop: ((error: Error) => void) | undefined
  let connected = false
  let received = 0
  let expected: number | undefined
  let timedOut: CurlError | undefined
  let retryAfter: number | undefined

  // 0 means no limit, as in curl.
  if (opts.maxTime) {
    const ms = Math.max(1, Math.round(opts.maxTime * 1000))
    timer = setTimeout(() => {
      const elapsed = Math.round(io.now() - started)
      const of = expected === undefined ? '' : ` out of ${expected}`
      timedOut = connected
        ? new CurlError(
            EXIT.OPERATION_TIMEDOUT,
            `Operation timed out after ${elapsed} milliseconds with ${received}${of} bytes received`,
          )
        : new CurlError(
            EXIT.OPERATION_TIMEDOUT,
            `Connection timed out after ${elapsed} milliseconds`,
          )
      abortHop?.(timedOut)
      // A connect in progress has no request to abort yet: end the sockets themselves, so the
      // process ends with the timeout instead of when the kernel gives up on the connect.
      void connections.close(timedOut)
    }, ms)
  }

  try {
    for (;;) {
      const { client, reused } = await connections.get(hop.url)
      const host = hop.url.hostname
      const port = hop.url.port || (hop.url.protocol === 'https:' ? '443' : '80')
      const id = connections.idOf(hop.url.origin)
      // LIMITATION: -v shows no TLS handshake lines (`* SSL connection using …`) and prints 0x0
      // where curl prints a pointer; a fix needs the TLS details from undici's socket.
      if (reused) {
        verbose(
          '* Found bundle for host: 0x0 [serially]\n* Can not multiplex, even if we wanted to\n',
        )
        verbose(`* Re-using existing connection #${id} with host ${host}\n`)
      }

      let head: ResponseHead | undefined
      let follow: URL | undefined
      let failed = false
      let decoding: ReturnType<typeof startDecoder>
      let chunked = false
      let wire = 0
      const state = { onAbort: undefined as ((error: Error) => void) | undefined }
      const body = new BodyWriter(output, {
        guardTerminal: io.stdoutIsTTY && opts.output === undefined,
        onBinary: () => {
          // curl refuses to print binary data on a terminal unless told `-o -`.
          if (!opts.silent) io.stderr.write(BINARY_WARNING)
          state.onAbort?.(new CurlError(EXIT.WRITE_ERROR))
        },
        // A destination that fails (a closed pipe, a full disk) ends the transfer, as in curl.
        onFailure: () => state.onAbort?.(new CurlError(EXIT.WRITE_ERROR)),
      })
      received = 0
      expected = undefined
      meter?.update({
        downloaded: 0,
        downloadTotal: undefined,
        uploaded: 0,
        uploadTotal: undefined,
      })
      const pending: Promise<unknown>[] = []
      abortHop = (error) => state.onAbort?.(error)

      const hopPromise = sendHop(
        client,
        hop,
        {
          onConnect: (wasReused) => {
            connected = true
            const sent = hop.body?.length ?? 0
            meter?.update({ uploaded: sent, uploadTotal: sent || undefined })
            if (!wasReused) {
              const ip = connections.remoteAddress(hop.url.origin) ?? bare(host)
              const shown = ip.includes(':') ? `[${ip}]` : ip
              verbose(
                `*   Trying ${shown}:${port}...\n* Connected to ${bare(host)} (${ip}) port ${port} (#${id})\n`,
              )
            }
            info.sizeRequest += requestSize(hop)
            // The query is a byte per char; the terminal reads UTF-8.
            const path = Buffer.from(requestPath(hop), 'latin1').toString()
            verbose(formatVerboseRequest(hop.method, path, hop.headers))
            if (hop.body && hop.body.length > 0) verbose(`} [${hop.body.length} bytes data]\n`)
          },
          onResponse: (response, resumeBody) => {
            head = response
            body.resume = resumeBody
            const headerOf = (name: string) =>
              response.headers.find(([n]) => n.toLowerCase() === name)?.[1]
            const length = headerOf('content-length')
            expected = length === undefined ? undefined : Number(length)
            meter?.update({ downloadTotal: expected })
            follow = redirectTarget(opts, response, hop.url)
            failed = !follow && (opts.fail || opts.failWithBody) && response.statusCode >= 400
            const stopsHere = failed && !opts.failWithBody
            verbose(formatVerboseResponse(response, stopsHere))
            const block = formatHeaderBlock(response)
            info.sizeHeader += Buffer.byteLength(block, 'latin1')
            if (opts.include || opts.head) body.writeRaw(Buffer.from(block, 'latin1'))
            if (dump) pending.push(dump.sink().then((s) => s.write(Buffer.from(block, 'latin1'))))
            const after = headerOf('retry-after')
            retryAfter =
              after && /^\d+$/.test(after) && Number(after) > 0 ? Number(after) * 1000 : undefined
            if (follow) verbose('* Ignoring the response-body\n')
            if (stopsHere) {
              verbose(
                `* The requested URL returned error: ${response.statusCode}\n* Closing connection ${id}\n`,
              )
              state.onAbort?.(
                new CurlError(
                  EXIT.HTTP_RETURNED_ERROR,
                  `The requested URL returned error: ${response.statusCode}`,
                ),
              )
              return
            }
            chunked = /chunked/i.test(headerOf('transfer-encoding') ?? '')
            const type = headerOf('content-type') ?? ''
            const isBody = !follow && hop.method !== 'HEAD'
            if (isBody && io.prettyJson && output.isStdout && isJsonType(type))
              body.bufferForPretty()
            if (isBody && opts.compressed) {
              decoding = startDecoder(headerOf('content-encoding') ?? '', (c) => body.writeBody(c))
            }
          },
          onData: (chunk) => {
            // -I with -X GET still reads no body, as curl does.
            if (opts.head) return true
            received += chunk.length
            meter?.update({ downloaded: received })
            // curl's -v counts the bytes read off the wire, chunked framing included.
            wire += chunked ? chunk.length.toString(16).length + 4 + chunk.length : chunk.length
            if (follow) return true
            if (decoding) decoding.decoder.write(chunk)
            else body.writeBody(chunk)
            return !body.paused
          },
        },
        reused,
        state,
      )

      let hopError: unknown
      await hopPromise.catch((error) => {
        hopError = error
      })
      if (!hopError && wire > 0 && (!io.stdoutIsTTY || follow)) {
        verbose(`{ [${chunked ? wire + 5 : wire} bytes data]\n`)
      }
      if (decoding) {
        decoding.decoder.end()
        if (!hopError) await decoding.done.catch((error) => (hopError = error))
      }
      if (io.prettyJson && !hopError) body.finishPretty(io.prettyJson)
      if (body.refused) hopError ??= new CurlError(EXIT.WRITE_ERROR)
      pending.push(body.done())
      await Promise.all(pending).catch((error) => {
        hopError ??= new CurlError(EXIT.WRITE_ERROR, `Failure writing output to destination`)
        if (!opts.silent && opts.output) {
          io.stderr.write(
            `Warning: Failed to open the file ${opts.output}: ${describeFsError(error)}\n`,
          )
        }
      })

      const response = head as ResponseHead | undefined
      if (response) {
        info.httpCode = response.statusCode
        info.headers = response.headers
        info.contentType =
          response.headers.find(([n]) => n.toLowerCase() === 'content-type')?.[1] ?? ''
        info.sizeDownload = received
        info.urlEffective =
          hop.url.origin + Buffer.from(requestPath(hop), 'latin1').toString() + hop.url.hash
        info.method = hop.method
        info.remoteIp = connections.remoteAddress(hop.url.origin) ?? bare(host)
        info.remotePort = port
        info.scheme = hop.url.protocol.replace(/:$/, '').toUpperCase()
        info.redirectUrl = redirectLocation(response, hop.url)?.href ?? ''
      }
      meter?.endLine()
      if (hopError) {
        if (!connected) {
          verbose(`*   Trying ${host}:${port}...\n`)
          if ((hopError as CurlError).exitCode === EXIT.COULDNT_CONNECT) {
            verbose(`* connect to ${bare(host)} port ${port} failed: Connection refused\n`)
          }
          if (!timedOut && /Timeout was reached$/.test((hopError as Error).message)) {
            const ip = bare(host).includes(':') ? 'ipv6' : 'ipv4'
            const limit = Math.max(1, Math.round((opts.connectTimeout || 300) * 1000))
            verbose(`* ${ip} connect timeout after ${limit}ms, move on!\n`)
          }
        }
        const failure = timedOut ?? hopError
        if (failure instanceof CurlError && failure.exitCode !== EXIT.HTTP_RETURNED_ERROR) {
          verbose(`* ${failure.message}\n* Closing connection ${id}\n`)
        }
        const error =
          timedOut ??
          (hopError instanceof CurlError
            ? hopError
            : new CurlError(EXIT.RECV_ERROR, String(hopError)))
        return finish(error)
      }
      if (response && failed) {
        return finish(
          new CurlError(
            EXIT.HTTP_RETURNED_ERROR,
            `The requested URL returned error: ${response.statusCode}`,
          ),
        )
      }
      if (!follow || !response) {
        verbose(`* Connection #${id} to host ${bare(host)} left intact\n`)
        if (!output.isStdout && opts.head === false) await output.sink().catch(() => undefined)
        return finish(undefined)
      }

      verbose(`* Connection #${id} to host ${bare(host)} left intact\n`)
      if (opts.maxRedirs >= 0 && info.numRedirects >= opts.maxRedirs) {
        verbose(`* Maximum (${opts.maxRedirs}) redirects followed\n`)
        return finish(
          new CurlError(EXIT.TOO_MANY_REDIRECTS, `Maximum (${opts.maxRedirs}) redirects followed`),
        )
      }
      info.numRedirects += 1
      verbose(`* Issue another request to this URL: '${follow.href}'\n`)
      const next = nextHop(hop, follow, response.statusCode, plan, isPost, target)
      hop = next.hop
      isPost = next.isPost
    }
  } finally {
    if (timer) clearTimeout(timer)
    await connections.close()
  }

  async function finish(failure: CurlError | undefined): Promise<AttemptResult> {
    meter?.stop()
    let error = failure
    const writeFailed = () => {
      error ??= new CurlError(EXIT.WRITE_ERROR)
    }
    await output.close().catch(writeFailed)
    await dump?.close().catch(writeFailed)
    info.timeTotal = (io.now() - started) / 1000
    info.exitCode = error?.exitCode ?? 0
    info.errorMessage = error?.message ?? ''
    return { info, error, retryAfter }
  }
}

const BINARY_WARNING =
  'Warning: Binary output can mess up your terminal. Use "--output -" to tell mom curl to output it to your terminal anyway, or consider "--output <FILE>" to save to a file.\n'

const FOLLOWED = new Set([301, 302, 303, 307, 308])

function redirectLocation(head: ResponseHead, base: URL): URL | undefined {
  if (head.statusCode < 300 || head.statusCode > 399) return undefined
  const location = head.headers.find(([n]) => n.toLowerCase() === 'location')?.[1]
  if (!location) return undefined
  try {
    return new URL(location.trim(), base)
  } catch {
    return undefined
  }
}

function redirectTarget(opts: CurlOptions, head: ResponseHead, base: URL): URL | undefined {
  if (!opts.location || !FOLLOWED.has(head.statusCode)) return undefined
  return redirectLocation(head, base)
}

/**
 * curl's redirect rules (curl(1), --location): after 301, 302 or 303 a POST becomes a GET
 * without its body, and a 303 turns anything but HEAD into GET; 307 and 308 keep method and
 * body. `-X` names the method of every hop all the same. Credentials never leave the origin.
 */
function nextHop(
  hop: HopRequest,
  url: URL,
  status: number,
  plan: RequestPlan,
  isPost: boolean,
  target: CurlTarget,
): { hop: HopRequest; isPost: boolean } {
  let method = hop.method
  let body = hop.body
  let post = isPost
  const toGet = (status <= 302 && isPost) || (status === 303 && hop.method !== 'HEAD')
  if (toGet) {
    body = undefined
    post = false
    method = plan.methodForced ? hop.method : 'GET'
  }
  const crossOrigin = url.origin !== target.trustedOrigin
  const headers = hop.headers
    .filter((h) => !(body === undefined && h.forBody))
    .filter(
      (h) =>
        !(crossOrigin && (h === target.credential || /^(authorization|cookie)$/i.test(h.name))),
    )
    .map((h) =>
      h.name.toLowerCase() === 'host' && h.value === hop.url.host ? { ...h, value: url.host } : h,
    )
  if (plan.autoReferer) setReferer(headers, hop.url.origin + requestPath(hop))
  return { hop: { method, url, headers, body }, isPost: post }
}

/** The bytes curl counts for %{size_request}: request line, headers, blank line and body. */
function requestSize(hop: HopRequest): number {
  let size = Buffer.byteLength(`${hop.method} ${requestPath(hop)} HTTP/1.1\r\n`, 'latin1')
  for (const header of hop.headers) size += Buffer.byteLength(`${header.name}: ${header.value}\r\n`)
  return size + 2 + (hop.body?.length ?? 0)
}

/** Sets Referer in place, or adds it where curl puts it: after Host, User-Agent and Accept*. */
function setReferer(headers: HeaderLine[], value: string): void {
  const at = headers.findIndex((h) => h.name.toLowerCase() === 'referer')
  if (at >= 0) {
    headers[at] = { ...headers[at]!, value }
    return
  }
  let after = -1
  for (const name of ['host', 'user-agent', 'accept', 'accept-encoding']) {
    const found = headers.findIndex((h) => h.name.toLowerCase() === name)
    if (found >= 0 && after < found && (name !== 'accept' || headers[found]!.value === '*/*'))
      after = found
  }
  headers.splice(after + 1, 0, { name: 'Referer', value })
}

function bare(host: string): string {
  return host.replace(/^\[|\]$/g, '')
}

function isJsonType(type: string): boolean {
  return /^application\/([a-z0-9.+-]*\+)?json\s*(;|$)/i.test(type.trim())
}

function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code
  if (code === 'ENOENT') return 'No such file or directory'
  if (code === 'EACCES') return 'Permission denied'
  if (code === 'EISDIR') return 'Is a directory'
  return (error as Error).message
}
