import {
  createServer,
  type IncomingMessage,
  type RequestListener,
  type ServerResponse,
} from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo, Socket } from 'node:net'
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib'

/** The bearer token the stand-in Atlas accepts. */
export const TEST_TOKEN = 'test-token'

/** One request the stand-in received, as it arrived. */
export interface ReceivedRequest {
  method: string
  url: string
  /** The `<id>` of a `/c/<id>/…` prefix, which lets concurrent tests share one server. */
  caseId?: string
  /** Header names in lower case, in arrival order, repeated headers kept apart. */
  headers: [string, string][]
  body: Buffer
}

export interface StandInAtlas {
  /** `http://127.0.0.1:<port>` */
  url: string
  port: number
  /** Every request received, in order (including refused ones). */
  received: ReceivedRequest[]
  /** The requests whose URL starts with `prefix`. */
  receivedAt(prefix: string): ReceivedRequest[]
  /** The requests sent under the `/c/<id>` prefix. */
  receivedFor(caseId: string): ReceivedRequest[]
  close(): Promise<void>
}

/** `printf '{"hello":"world"}\n' | gzip -n`, written out so the bytes do not depend on zlib. */
export const GZIP_HELLO = Buffer.from(
  '1f8b0800000000000003ab56ca48cdc9c957b2522acf2fca4951aae5020090eddbc312000000',
  'hex',
)

/**
 * A small Atlas for `mom curl` tests (FIELD-CASES S0): it checks `Authorization: Bearer
 * test-token` and answers the routes under `/v1/apis/http/stub/`. Responses carry no Date
 * header so output bytes are stable.
 */
export async function startStandInAtlas(tls?: {
  key: string
  cert: string
}): Promise<StandInAtlas> {
  const received: ReceivedRequest[] = []
  const counters = new Map<string, number>()
  const sockets = new Set<Socket>()

  const handler: RequestListener = (req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const prefixed = /^\/c\/([^/]+)(\/.*)?$/.exec(req.url ?? '')
      const record: ReceivedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        ...(prefixed ? { caseId: prefixed[1] } : {}),
        headers: pairs(req.rawHeaders),
        body: Buffer.concat(chunks),
      }
      received.push(record)
      res.sendDate = false
      if (req.headers.authorization !== `Bearer ${TEST_TOKEN}`) {
        return sendJson(res, 401, { error: 'missing or wrong bearer token' })
      }
      route(req, res, record, counters, prefixed ? `/c/${prefixed[1]}` : '')
    })
  }
  const server = tls ? createHttpsServer(tls, handler) : createServer(handler)
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo

  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    received,
    receivedAt: (prefix) => received.filter((r) => r.url.startsWith(prefix)),
    receivedFor: (caseId) => received.filter((r) => r.caseId === caseId),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
}

function route(
  req: IncomingMessage,
  res: ServerResponse,
  record: ReceivedRequest,
  counters: Map<string, number>,
  prefix: string,
): void {
  const url = new URL(record.url.slice(prefix.length) || '/', 'http://stand-in')
  const path = url.pathname.replace(/^\/v1\/apis\/http\/stub/, '')
  const method = record.method

  if (!url.pathname.startsWith('/v1/apis/http/stub/')) {
    return sendJson(res, 404, { error: 'unknown adapter', known: ['stub'] })
  }
  if (path === '/echo') {
    return sendJson(res, 200, {
      method,
      path: record.url,
      headers: record.headers,
      body: record.body.toString('latin1'),
    })
  }
  if (path === '/submit') {
    if (method === 'POST') {
      res.writeHead(302, { Location: `${prefix}/v1/apis/http/stub/submit`, 'Content-Length': '0' })
      return void res.end()
    }
    res.writeHead(200, { 'Content-Type': 'text/plain' })
    return void res.end('ok\n')
  }
  if (path === '/export' || path === '/deflate' || path === '/br') {
    const plain = Buffer.from('{"hello":"world"}\n')
    const [encoding, body] =
      path === '/export'
        ? ['gzip', GZIP_HELLO]
        : path === '/deflate'
          ? ['deflate', deflateSync(plain)]
          : ['br', brotliCompressSync(plain)]
    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Content-Encoding': encoding,
      'Content-Length': String(body.length),
    })
    return void res.end(body)
  }
  if (path === '/gzip-if-asked') {
    const plain = Buffer.from('{"hello":"world"}\n')
    const gzip = /gzip/.test(req.headers['accept-encoding'] ?? '')
    res.writeHead(200, {
      'Content-Type': 'application/json',
      ...(gzip ? { 'Content-Encoding': 'gzip' } : {}),
    })
    return void res.end(gzip ? gzipSync(plain) : plain)
  }
  if (path === '/login') {
    res.setHeader('Content-Type', 'application/json')
    res.setHeader('Set-Cookie', [
      'session=abc; Path=/; HttpOnly',
      'prefs=dark; Expires=Wed, 21 Oct 2026 07:28:00 GMT',
    ])
    return void res.end('{}')
  }
  if (path === '/json') {
    return sendJson(res, 200, { name: 'heroku', ok: true, count: 3, tags: ['a', 'b'], none: null })
  }
  if (path === '/slow') {
    const timer = setTimeout(() => sendJson(res, 200, { slow: true }), 10_000)
    res.on('close', () => clearTimeout(timer))
    return
  }
  const big = /^\/big\/(\d+)$/.exec(path)
  if (big) {
    // N MiB of a repeating pattern, streamed in 64 KiB writes that respect backpressure.
    const total = Number(big[1]) * 1024 * 1024
    const block = Buffer.alloc(65536, 'abcdefghijklmnopqrstuvwxyz\n')
    res.writeHead(200, {
      'Content-Type': 'application/octet-stream',
      'Content-Length': String(total),
    })
    let sent = 0
    const pump = () => {
      while (sent < total) {
        const piece = block.subarray(0, Math.min(block.length, total - sent))
        sent += piece.length
        if (!res.write(piece)) return void res.once('drain', pump)
      }
      res.end()
    }
    return pump()
  }
  if (path === '/empty') {
    return void req.socket.destroy()
  }
  const status = /^\/status\/(\d{3})$/.exec(path)
  if (status) {
    res.writeHead(Number(status[1]), { 'Content-Type': 'text/plain', 'X-Route': 'status' })
    return void res.end(`status ${status[1]}\n`)
  }
  const redirect = /^\/redirect\/(\d{3})$/.exec(path)
  if (redirect) {
    const to = url.searchParams.get('to') ?? '/v1/apis/http/stub/echo'
    const target = to.startsWith('/') ? prefix + to : to
    res.writeHead(Number(redirect[1]), { Location: target, 'Content-Type': 'text/plain' })
    return void res.end('moved\n')
  }
  if (path === '/flaky') {
    // Keyed by user agent too, so curl and mom each meet the failure once on a shared prefix.
    const key = `${prefix} ${url.searchParams.get('key') ?? ''} ${req.headers['user-agent'] ?? ''}`
    const count = (counters.get(key) ?? 0) + 1
    counters.set(key, count)
    if (count === 1) {
      res.writeHead(503, { 'Content-Type': 'text/plain' })
      return void res.end('try again\n')
    }
    res.writeHead(200, { 'Content-Type': 'text/plain' })
    return void res.end('recovered\n')
  }
  sendJson(res, 404, { error: 'no such stub route' })
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value)
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': String(Buffer.byteLength(body)),
  })
  res.end(body)
}

function pairs(raw: string[]): [string, string][] {
  const out: [string, string][] = []
  for (let i = 0; i < raw.length; i += 2) out.push([raw[i]!.toLowerCase(), raw[i + 1]!])
  return out
}
