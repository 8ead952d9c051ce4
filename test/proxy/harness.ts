import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

import { afterEach } from 'vitest'

import { Secret } from '../../src/secret.js'
import { loadAtlasConfig } from '../../src/proxy/load-config.js'
import { RequestLog } from '../../src/proxy/request-log.js'
import { type AtlasServer, createAtlasServer } from '../../src/proxy/server.js'

/** One request as the upstream stub received it. */
export interface Received {
  method: string
  url: string
  rawHeaders: string[]
  /** Lowercase name to every value, in order. */
  headers: Record<string, string[]>
  body: Buffer
}

export interface Upstream {
  port: number
  origin: string
  received: Received[]
  connections: number
}

type Answer = (req: IncomingMessage, res: ServerResponse, received: Received) => void

const closers: (() => Promise<void>)[] = []
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()))
})

/** The upstream stub U: records every request (line, headers, body), then answers with `answer`. */
export async function startUpstream(
  answer: Answer = (_req, res) => res.end('ok'),
): Promise<Upstream> {
  const received: Received[] = []
  const upstream: Upstream = { port: 0, origin: '', received, connections: 0 }
  const server = createServer((req, res) => {
    const headers: Record<string, string[]> = {}
    for (let i = 0; i < req.rawHeaders.length; i += 2)
      (headers[req.rawHeaders[i]!.toLowerCase()] ??= []).push(req.rawHeaders[i + 1]!)
    const record: Received = {
      method: req.method!,
      url: req.url!,
      rawHeaders: req.rawHeaders,
      headers,
      body: Buffer.alloc(0),
    }
    received.push(record)
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      record.body = Buffer.concat(chunks)
      answer(req, res, record)
    })
  })
  server.on('connection', () => upstream.connections++)
  await listen(server)
  upstream.port = (server.address() as AddressInfo).port
  upstream.origin = `http://127.0.0.1:${upstream.port}`
  closers.push(() => closeServer(server))
  return upstream
}

/** The R0 file of FIELD-CASES, with its base URL and any further adapter documents given. */
export function r0Config(baseUrl: string, more: { name: string; baseUrl: string }[] = []): string {
  const refs = more
    .map(
      (a) =>
        `\n  - adapterRef: {apiVersion: moment.dev/adapters/v1alpha1, kind: HTTP, name: ${a.name}}`,
    )
    .join('')
  const docs = more
    .map(
      (a) =>
        `---\napiVersion: moment.dev/adapters/v1alpha1\nkind: HTTP\nmetadata:\n  name: ${a.name}\nspec:\n  baseUrl: ${a.baseUrl}\n`,
    )
    .join('')
  return `apiVersion: moment.dev/atlas/v1alpha1
kind: Atlas
metadata:
  name: local
spec:
  adapters:
  - adapterRef: {apiVersion: moment.dev/adapters/v1alpha1, kind: HTTP, name: stub}${refs}
---
apiVersion: moment.dev/adapters/v1alpha1
kind: HTTP
metadata:
  name: stub
spec:
  baseUrl: ${baseUrl}
  headers:
  - name: X-Upstream-Key
    value: \${{ STUB_KEY }}
${docs}`
}

export interface LocalAtlas {
  atlas: AtlasServer
  origin: string
  port: number
  /** Everything the request log wrote so far. */
  log(): string
  /** Waits for the log to hold `count` lines. */
  logLines(count: number): Promise<string[]>
}

/** Starts the Atlas server from config text on 127.0.0.1 port 0, STUB_KEY=k-123, token test-token. */
export async function startLocalAtlas(
  source: string,
  options: { upstreamTimeoutMs?: number } = {},
): Promise<LocalAtlas> {
  const config = loadAtlasConfig(source, 'atlas.yml', { STUB_KEY: 'k-123' })
  let written = ''
  const log = new RequestLog({ write: (text: string) => (written += text) })
  const atlas = createAtlasServer({
    adapters: config.adapters,
    token: new Secret('test-token'),
    upstreamTimeoutMs: options.upstreamTimeoutMs ?? 30_000,
    log,
  })
  const address = await atlas.listen(0, '127.0.0.1')
  closers.push(() => atlas.close(100))
  return {
    atlas,
    port: address.port,
    origin: `http://127.0.0.1:${address.port}`,
    log: () => written,
    async logLines(count) {
      for (let i = 0; i < 200 && written.split('\n').length - 1 < count; i++)
        await new Promise((r) => setTimeout(r, 10))
      return written.split('\n').slice(0, -1)
    },
  }
}

/** The header every client request carries in R0. */
export const AUTH = { authorization: 'Bearer test-token' }

function listen(server: Server): Promise<void> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections()
  return new Promise((resolve) => server.close(() => resolve()))
}
