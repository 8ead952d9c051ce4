import { existsSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import { createServer as createHttpsServer } from 'node:https'
import { type AddressInfo, connect, createServer as createNetServer } from 'node:net'
import type { TLSSocket } from 'node:tls'
import { join } from 'node:path'
import { Readable } from 'node:stream'

import { execa } from 'execa'
import { Agent, request } from 'undici'
import { afterEach, describe, expect, test } from 'vitest'

import { loadAtlasConfig } from '../../src/proxy/load-config.js'
import { RequestLog } from '../../src/proxy/request-log.js'
import { createAtlasServer } from '../../src/proxy/server.js'
import { Secret } from '../../src/secret.js'
import { tempDir } from '../helpers/mom.js'
import { AUTH, r0Config, startLocalAtlas, startUpstream } from './harness.js'

const CURL = '/usr/bin/curl'
const hasCurl = existsSync(CURL)
const SECRET = 'k-123'

const agents: Agent[] = []
afterEach(async () => {
  await Promise.all(agents.splice(0).map((agent) => agent.close()))
})

/** A client with its own connections, so a test never reuses another test's sockets. */
function client(): Agent {
  const agent = new Agent({ connections: 4 })
  agents.push(agent)
  return agent
}

/** Sends `path` exactly as written: no URL parser on the client side resolves its dot segments. */
async function sendRaw(origin: string, path: string, headers: Record<string, string>) {
  const response = await client().request({ origin, path, method: 'GET', headers })
  return { status: response.statusCode, body: await response.body.text() }
}

async function send(url: string, options: Parameters<typeof request>[1] = {}) {
  const response = await request(url, { dispatcher: client(), ...options })
  const body = await response.body.text()
  return { status: response.statusCode, headers: response.headers, body }
}

describe('forwarding (SPEC section 4)', () => {
  test('forwards method, path, query and body, and relays status, headers and body', async () => {
    const upstream = await startUpstream((_req, res, got) => {
      res.writeHead(201, { 'Content-Type': 'application/json', 'X-Upstream': 'yes' })
      res.end(`{"got":${JSON.stringify(got.body.toString())}}`)
    })
    const atlas = await startLocalAtlas(r0Config(`${upstream.origin}/base`))

    const response = await send(`${atlas.origin}/v1/apis/http/stub/items/42?page=2&sort=name`, {
      method: 'PATCH',
      headers: { ...AUTH, 'content-type': 'text/plain', 'x-request-id': 'abc123' },
      body: 'hello',
    })

    expect(response.status).toBe(201)
    expect(response.headers['x-upstream']).toBe('yes')
    expect(response.body).toBe('{"got":"hello"}')
    const [got] = upstream.received
    expect(got!.method).toBe('PATCH')
    expect(got!.url).toBe('/base/items/42?page=2&sort=name')
    expect(got!.headers['x-request-id']).toEqual(['abc123'])
    expect(got!.headers['content-type']).toEqual(['text/plain'])
    expect(got!.headers['x-upstream-key']).toEqual([SECRET])
    expect(got!.headers.authorization).toBeUndefined()
  })

  test('sets the adapter headers over those the client sent, whatever their case', async () => {
    const upstream = await startUpstream()
    const atlas = await startLocalAtlas(r0Config(`${upstream.origin}/base`))

    await send(`${atlas.origin}/v1/apis/http/stub/x`, {
      headers: [
        ...Object.entries(AUTH).flat(),
        'X-UPSTREAM-KEY',
        'forged',
        'x-upstream-key',
        'forged-too',
      ],
    })

    expect(upstream.received[0]!.headers['x-upstream-key']).toEqual([SECRET])
  })

  test('sends the adapter Authorization, never the client one', async () => {
    const upstream = await startUpstream()
    const source = r0Config(`${upstream.origin}/base`)
      .replace('X-Upstream-Key', 'Authorization')
      .replace('${{ STUB_KEY }}', 'token ${{ STUB_KEY }}')
    const atlas = await startLocalAtlas(source)

    await send(`${atlas.origin}/v1/apis/http/stub/user`, { headers: AUTH })

    expect(upstream.received[0]!.headers.authorization).toEqual([`token ${SECRET}`])
  })

  test('keeps repeated request headers repeated and in order', async () => {
    const upstream = await startUpstream()
    const atlas = await startLocalAtlas(r0Config(`${upstream.origin}/base`))

    await send(`${atlas.origin}/v1/apis/http/stub/x`, {
      headers: ['authorization', 'Bearer test-token', 'X-Multi', 'one', 'X-Multi', 'two, three'],
    })

    expect(upstream.received[0]!.headers['x-multi']).toEqual(['one', 'two, three'])
  })

  test('forwards a HEAD request and relays its headers without a body', async () => {
    const upstream = await startUpstream((_req, res) => {
      res.writeHead(200, { 'content-length': '1234', etag: '"v2"' })
      res.end()
    })
    const atlas = await startLocalAtlas(r0Config(`${upstream.origin}/base`))

    const response = await send(`${atlas.origin}/v1/apis/http/stub/file`, {
      method: 'HEAD',
      headers: AUTH,
    })

    expect(response.status).toBe(200)
    expect(response.headers['content-length']).toBe('1234')
    expect(response.headers.etag).toBe('"v2"')
    expect(upstream.received[0]!.method).toBe('HEAD')
  })

  test('forwards a chunked upload of unknown length', async () => {
    const upstream = await startUpstream((_req, res, got) => res.end(String(got.body.length)))
    const atlas = await startLocalAtlas(r0Config(`${upstream.origin}/base`))

    const response = await send(`${atlas.origin}/v1/apis/http/stub/upload`, {
      method: 'POST',
      headers: AUTH,
      body: Readable.from([Buffer.alloc(1000, 'a'), Buffer.alloc(2000, 'b')]),
    })

    expect(response.body).toBe('3000')
    expect(upstream.received[0]!.body.toString()).toBe('a'.repeat(1000) + 'b'.repeat(2000))
  })

  test('streams the request body: the upstream sees the first bytes before the client has sent the rest', async () => {
    let sawFirst!: () => void
    const first = new Promise<void>((resolve) => (sawFirst = resolve))
    const upstream = await startUpstream((_req, res, got) => res.end(got.body))
    upstream.received.length = 0
    const atlas = await startLocalAtlas(r0Config(`${upstream.origin}/base`))
    async function* body() {
      yield Buffer.from('first,')
      await first
      yield Buffer.from('second')
    }
    const watcher = setInterval(() => {
      if (upstream.received.length > 0) sawFirst()
    }, 5)

    const response = await send(`${atlas.origin}/v1/apis/http/stub/stream`, {
      method: 'POST',
      headers: AUTH,
      body: Readable.from(body()),
    })
    clearInterval(watcher)

    expect(response.body).toBe('first,second')
  })

  test('streams the response body: the client reads the first bytes before the upstream has finished', async () => {
    let finish!: () => void
    const upstream = await startUpstream((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' })
      res.write('first,')
      finish = () => res.end('second')
    })
    const atlas = await startLocalAtlas(r0Config(`${upstream.origin}/base`))

    const response = await request(`${atlas.origin}/v1/apis/http/stub/stream`, {
      dispatcher: client(),
      headers: AUTH,
    })
    const chunks: string[] = []
    for await (const chunk of response.body) {
      chunks.push(String(chunk))
      if (chunks.length === 1) finish()
    }

    expect(chunks[0]).toBe('first,')
    expect(chunks.join('')).toBe('first,second')
  })

  test('aborts the upstream request when the client goes away', async () => {
    let upstreamClosed!: () => void
    const closed = new Promise<void>((resolve) => (upstreamClosed = resolve))
    const upstream = await startUpstream((_req, res) => {
      res.on('close', () => upstreamClosed())
    })
    const atlas = await startLocalAtlas(r0Config(`${upstream.origin}/base`))
    const controller = new AbortController()

    const pending = request(`${atlas.origin}/v1/apis/http/stub/hang`, {
      dispatcher: client(),
      headers: AUTH,
      signal: controller.signal,
    })
    while (upstream.received.length === 0) await new Promise((r) => setTimeout(r, 5))
    controller.abort()

    await expect(pending).rejects.toThrow()
    await closed
    expect(await atlas.logLines(1)).toEqual([
      expect.stringMatching(/^GET stub \/v1\/apis\/http\/stub\/hang 499 [\d.]+ms$/),
    ])
  })

  test.skipIf(!hasCurl)('forwards a body sent with Expect: 100-continue', async () => {
    const upstream = await startUpstream((_req, res, got) => res.end(String(got.body.length)))
    const atlas = await startLocalAtlas(r0Config(`${upstream.origin}/base`))
    const dir = await tempDir()
    await writeFile(join(dir, 'big.bin'), Buffer.alloc(2_000_000, 'x'))

    const result = await execa(CURL, [
      '-s',
      '-H',
      'Authorization: Bearer test-token',
      '-H',
      'Expect: 100-continue',
      '--data-binary',
      `@${join(dir, 'big.bin')}`,
      `${atlas.origin}/v1/apis/http/stub/upload`,
    ])

    expect(result.stdout).toBe('2000000')
    expect(upstream.received[0]!.headers.expect).toBeUndefined()
  })
})

describe('the bearer token', () => {
  test.skipIf(!hasCurl)(
    'answers 401 to Expect: 100-continue without asking for the body',
    async () => {
      const upstream = await startUpstream()
      const atlas = await startLocalAtlas(r0Config(`${upstream.origin}/base`))
      const dir = await tempDir()
      await writeFile(join(dir, 'big.bin'), Buffer.alloc(2_000_000, 'x'))

      const result = await execa(CURL, [
        '-s',
        '-o',
        '/dev/null',
        '-w',
        '%{http_code} %{size_upload}',
        '-H',
        'Expect: 100-continue',
        '--data-binary',
        `@${join(dir, 'big.bin')}`,
        `${atlas.origin}/v1/apis/http/stub/upload`,
      ])

      expect(result.stdout).toBe('401 0')
      expect(upstream.received).toEqual([])
    },
  )

  test.each([
    ['no Authorization', {}],
    ['a wrong token', { authorization: 'Bearer wrong-token' }],
    ['the token with another scheme', { authorization: 'Basic test-token' }],
    ['the token with a suffix', { authorization: 'Bearer test-token2' }],
    ['the bare token', { authorization: 'test-token' }],
    [
      'the token twice',
      ['authorization', 'Bearer test-token', 'Authorization', 'Bearer test-token'],
    ],
    [
      'the token after a wrong one',
      ['authorization', 'Bearer wrong', 'authorization', 'Bearer test-token'],
    ],
    [
      'the token before a wrong one',
      ['authorization', 'Bearer test-token', 'authorization', 'Bearer wrong'],
    ],
  ])(
    'answers 401 for %s and forwards nothing',
    async (_what, headers: Record<string, string> | string[]) => {
      const upstream = await startUpstream()
      const atlas = await startLocalAtlas(r0Config(`${upstream.origin}/base`))

      const response = await send(`${atlas.origin}/v1/apis/http/stub/items`, { headers })

      expect(response.status).toBe(401)
      expect(response.headers['content-type']).toBe('application/json')
      expect(response.headers['www-authenticate']).toBe('Bearer realm="atlas"')
      expect(response.body).toBe(
        '{"error":{"code":"unauthorized","message":"missing or wrong bearer token; send Authorization: Bearer <token> for this Atlas"}}',
      )
      expect(upstream.received).toEqual([])
    },
  )

  test.each([
    [
      'a raw non-ASCII byte in the target',
      Buffer.from('GET /v1/apis/http/stub/\xff HTTP/1.1\r\nHost: x\r\n\r\n', 'latin1'),
      'HTTP/1.1 400 Bad Request',
    ],
    [
      'oversized headers',
      Buffer.from(`GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`),
      'HTTP/1.1 431 Request Header Fields Too Large',
    ],
  ])(
    'answers a request Node cannot read (%s) with a JSON error and closes',
    async (_what, bytes, statusLine) => {
      const upstream = await startUpstream()
      const atlas = await startLocalAtlas(r0Config(`${upstream.origin}/base`))
      const { port } = new URL(atlas.origin)

      const reply = await new Promise<string>((resolve, reject) => {
        const socket = connect(Number(port), '127.0.0.1', () => socket.end(bytes))
        let text = ''
        socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')))
        socket.on('close', () => resolve(text))
        socket.on('error', reject)
      })

      expect(reply.split('\r\n')[0]).toBe(statusLine)
      expect(reply).toContain('content-type: application/json\r\n')
      expect(JSON.parse(reply.slice(reply.indexOf('\r\n\r\n') + 4)).error.code).toBe('bad_request')
      expect(upstream.received).toEqual([])
    },
  )

  test('accepts the scheme in any case', async () => {
    const upstream = await startUpstream()
    const atlas = await startLocalAtlas(r0Config(`${upstream.origin}/base`))

    const response = await send(`${atlas.origin}/v1/apis/http/stub/items`, {
      headers: { authorization: 'bearer test-token' },
    })

    expect(response.status).toBe(200)
  })

  test('guards the listing and unknown routes too, but not /healthz', async () => {
    const atlas = await startLocalAtlas(r0Config('http://127.0.0.1:9/base'))

    expect((await send(`${atlas.origin}/v1/apis`)).status).toBe(401)
    expect((await send(`${atlas.origin}/elsewhere`)).status).toBe(401)
    expect((await send(`${atlas.origin}/elsewhere`, { headers: AUTH })).status).toBe(404)
    const twice = ['authorization', 'Bearer test-token', 'authorization', 'Bearer wrong']
    expect((await send(`${atlas.origin}/v1/apis`, { headers: twice })).status).toBe(401)
    const health = await send(`${atlas.origin}/healthz`)
    expect(health.status).toBe(200)
    expect(health.body).toBe('{"status":"ok"}')
  })
})

describe('routing and errors', () => {
  test('answers 404 for an unknown adapter, listing the known ones, and forwards nothing', async () => {
    const upstream = await startUpstream()
    const atlas = await startLocalAtlas(
      r0Config(`${upstream.origin}/base`, [{ name: 'other', baseUrl: upstream.origin }]),
    )

    const response = await send(`${atlas.origin}/v1/apis/http/nope/items`, { headers: AUTH })

    expect(response.status).toBe(404)
    expect(response.body).toBe(
      '{"error":{"code":"unknown_adapter","message":"no adapter named \\"nope\\"; known adapters: stub, other","adapters":["stub","other"]}}',
    )
    expect(upstream.received).toEqual([])
  })

  test('lists the adapters with header names only', async () => {
    const atlas = await startLocalAtlas(
      r0Config('http://127.0.0.1:9000/base', [
        { name: 'dns', baseUrl: 'https://no-such-host.invalid' },
      ]),
    )

    const response = await send(`${atlas.origin}/v1/apis`, { headers: AUTH })

    expect(response.status).toBe(200)
    expect(response.body).toBe(
      '{"apis":[{"kind":"HTTP","name":"stub","baseUrl":"http://127.0.0.1:9000/base","headers":["X-Upstream-Key"]},{"kind":"HTTP","name":"dns","baseUrl":"https://no-such-host.invalid","headers":[]}]}',
    )
  })

  test.each([
    '/v1/apis/http/stub/../secret',
    '/v1/apis/http/stub/a/%2e%2E/%2E%2e/x',
    '/v1/apis/http/stub/.%2e/x',
    '/v1/apis/http/stub/%2e%2e',
    '/v1/apis/http/stub/..%2Fx',
    '/v1/apis/http/stub/a%2fb',
    '/v1/apis/http/stub/a%5Cb',
    '/v1/apis/http/stub/a\\..\\b',
    '/v1/apis/http/stub/..;/x',
    '/v1/apis/http/stub/%252e%252e/x',
  ])('answers 400 for %s and forwards nothing', async (path) => {
    const upstream = await startUpstream()
    const atlas = await startLocalAtlas(r0Config(`${upstream.origin}/base`))

    const response = await sendRaw(atlas.origin, path, AUTH)

    expect(response.status).toBe(400)
    expect(JSON.parse(response.body).error.code).toBe('unsafe_path')
    expect(upstream.received).toEqual([])
  })

  test('logs one line per request without query or header values', async () => {
    const upstream = await startUpstream()
    const atlas = await startLocalAtlas(r0Config(`${upstream.origin}/base`))

    await send(`${atlas.origin}/v1/apis/http/stub/items?api_key=${SECRET}`, { headers: AUTH })
    await send(`${atlas.origin}/v1/apis/http/stub/items`)
    await send(`${atlas.origin}/healthz`)
    await send(`${atlas.origin}/v1/apis`, { method: 'GET', headers: AUTH })

    const lines = await atlas.logLines(4)
    expect(lines.map((line) => line.replace(/ [\d.]+ms$/, ''))).toEqual([
      'GET stub /v1/apis/http/stub/items 200',
      'GET stub /v1/apis/http/stub/items 401',
      'GET - /healthz 200',
      'GET - /v1/apis 200',
    ])
    expect(atlas.log()).not.toContain(SECRET)
  })
})

describe('field cases', () => {
  test.skipIf(!hasCurl)(
    '19: parses Connection and drops hop-by-hop headers both ways',
    async () => {
      const upstream = await startUpstream((_req, res) => {
        res.writeHead(200, [
          'Connection',
          'keep-alive, X-Upstream-Hop',
          'X-Upstream-Hop',
          '1',
          'Keep-Alive',
          'timeout=2',
          'ETag',
          '"v1"',
          'Content-Length',
          '2',
        ])
        res.end('[]')
      })
      const atlas = await startLocalAtlas(r0Config(`${upstream.origin}/base`))

      const result = await execa(CURL, [
        '-si',
        `${atlas.origin}/v1/apis/http/stub/items`,
        '-H',
        'Authorization: Bearer test-token',
        '-H',
        'Connection: keep-alive, X-Trace-Hop',
        '-H',
        'X-Trace-Hop: 1',
        '-H',
        'Keep-Alive: timeout=5',
        '-H',
        'TE: trailers',
        '-H',
        'Proxy-Connection: keep-alive',
        '-H',
        'X-Request-Id: abc123',
      ])

      const [got] = upstream.received
      expect(got!.method).toBe('GET')
      expect(got!.url).toBe('/base/items')
      expect(got!.headers['x-request-id']).toEqual(['abc123'])
      expect(got!.headers['x-upstream-key']).toEqual([SECRET])
      for (const name of ['x-trace-hop', 'keep-alive', 'te', 'proxy-connection', 'authorization'])
        expect(got!.headers[name]).toBeUndefined()
      expect(got!.headers.connection ?? []).not.toContainEqual(
        expect.stringMatching(/x-trace-hop/i),
      )
      const [head, body] = result.stdout.split('\r\n\r\n')
      expect(head).toMatch(/^HTTP\/1\.1 200 OK\r\n/)
      expect(head).toContain('\r\nETag: "v1"')
      expect(head).not.toMatch(/x-upstream-hop/i)
      expect(head).not.toContain('timeout=2')
      expect(body).toBe('[]')
    },
  )

  test.each([
    ['a', '/repos//key/45b2', '/api/v3/repos//key/45b2'],
    ['b', '//evil.example.com/steal', '/api/v3//evil.example.com/steal'],
    ['c', '///evil.example.com/steal', '/api/v3///evil.example.com/steal'],
  ])(
    '21 (%s): forwards doubled slashes as sent, under the base path, to the same host',
    async (_case, path, expected) => {
      const upstream = await startUpstream()
      const atlas = await startLocalAtlas(r0Config(`${upstream.origin}/api/v3`))

      const response = await sendRaw(atlas.origin, `/v1/apis/http/stub${path}`, AUTH)

      expect(response.status).toBe(200)
      expect(upstream.received.map((r) => [r.url, r.headers.host])).toEqual([
        [expected, [`127.0.0.1:${upstream.port}`]],
      ])
    },
  )

  test('21: refuses a leading double slash under a base URL at the host root', async () => {
    const upstream = await startUpstream()
    const atlas = await startLocalAtlas(r0Config(upstream.origin))

    const response = await sendRaw(atlas.origin, '/v1/apis/http/stub//evil.example.com/steal', AUTH)

    expect(response.status).toBe(400)
    expect(upstream.received).toEqual([])
  })

  test('sends the Host an adapter sets instead of the base URL host', async () => {
    const upstream = await startUpstream()
    const source = r0Config(`${upstream.origin}/base`)
      .replace('X-Upstream-Key', 'Host')
      .replace('${{ STUB_KEY }}', 'api.example.test')
    const atlas = await startLocalAtlas(source)

    await send(`${atlas.origin}/v1/apis/http/stub/x`, { headers: AUTH })

    expect(upstream.received[0]!.headers.host).toEqual(['api.example.test'])
  })

  test.skipIf(!hasCurl)(
    '23: sends the base URL host as Host, whatever the client sent',
    async () => {
      const upstream = await startUpstream()
      const atlas = await startLocalAtlas(r0Config(`http://localhost:${upstream.port}/base`))
      const url = `${atlas.origin}/v1/apis/http/stub/ping`

      await execa(CURL, ['-s', '-H', 'Authorization: Bearer test-token', url])
      await execa(CURL, [
        '-s',
        '-H',
        'Authorization: Bearer test-token',
        '-H',
        'Host: atlas.example.internal',
        url,
      ])

      expect(upstream.received.map((r) => r.headers.host)).toEqual([
        [`localhost:${upstream.port}`],
        [`localhost:${upstream.port}`],
      ])
    },
  )

  test('24: answers 504 naming the adapter when the upstream does not answer in time', async () => {
    const upstream = await startUpstream(() => {})
    const atlas = await startLocalAtlas(r0Config(`${upstream.origin}/base`), {
      upstreamTimeoutMs: 300,
    })

    const response = await send(`${atlas.origin}/v1/apis/http/stub/slow`, { headers: AUTH })

    expect(response.status).toBe(504)
    expect(response.headers['content-type']).toBe('application/json')
    expect(response.body).toBe(
      '{"error":{"code":"upstream_timeout","message":"adapter \\"stub\\" timed out: no response headers within 0.3 s","adapter":"stub"}}',
    )
    const lines = await atlas.logLines(1)
    expect(lines).toEqual([
      expect.stringMatching(/^GET stub \/v1\/apis\/http\/stub\/slow 504 [\d.]+ms$/),
    ])
    expect(response.body + atlas.log()).not.toContain(SECRET)
  })

  test('25: answers 502 for a refused connection and a failed DNS lookup, and stays up', async () => {
    const atlas = await startLocalAtlas(
      r0Config('http://127.0.0.1:9', [{ name: 'dns', baseUrl: 'https://no-such-host.invalid' }]),
    )

    const first = await send(`${atlas.origin}/v1/apis/http/stub/anything`, { headers: AUTH })
    const second = await send(`${atlas.origin}/v1/apis/http/stub/anything`, { headers: AUTH })
    const dns = await send(`${atlas.origin}/v1/apis/http/dns/anything`, { headers: AUTH })
    const health = await send(`${atlas.origin}/healthz`)
    const listing = await send(`${atlas.origin}/v1/apis`, { headers: AUTH })

    for (const response of [first, second]) {
      expect(response.status).toBe(502)
      expect(response.body).toBe(
        '{"error":{"code":"upstream_unreachable","message":"adapter \\"stub\\" is unreachable: its upstream could not be reached","adapter":"stub"}}',
      )
    }
    expect(dns.status).toBe(502)
    expect(dns.body).toBe(
      '{"error":{"code":"upstream_unreachable","message":"adapter \\"dns\\" is unreachable: its upstream could not be reached","adapter":"dns"}}',
    )
    expect(health.status).toBe(200)
    expect(listing.status).toBe(200)
    expect(
      JSON.parse(listing.body).apis.map((a: { name: string; headers: string[] }) => [
        a.name,
        a.headers,
      ]),
    ).toEqual([
      ['stub', ['X-Upstream-Key']],
      ['dns', []],
    ])
    const everything =
      [first, second, dns, health, listing].map((r) => r.body).join('\n') + atlas.log()
    expect(everything).not.toContain(SECRET)
    expect(everything).not.toMatch(/\bat .*\(.*:\d+:\d+\)/)
  })

  test.skipIf(!hasCurl)(
    '27: relays several Set-Cookie headers as separate, unchanged lines in order',
    async () => {
      const upstream = await startUpstream((_req, res) => {
        res.writeHead(200, [
          'Set-Cookie',
          'session=abc; Path=/; HttpOnly',
          'Set-Cookie',
          'prefs=dark; Expires=Wed, 21 Oct 2026 07:28:00 GMT',
          'Content-Length',
          '2',
        ])
        res.end('{}')
      })
      const atlas = await startLocalAtlas(r0Config(`${upstream.origin}/base`))

      const result = await execa(CURL, [
        '-si',
        '-H',
        'Authorization: Bearer test-token',
        `${atlas.origin}/v1/apis/http/stub/login`,
      ])

      const lines = result.stdout.split('\r\n').filter((line) => /^set-cookie:/i.test(line))
      expect(lines).toEqual([
        'Set-Cookie: session=abc; Path=/; HttpOnly',
        'Set-Cookie: prefs=dark; Expires=Wed, 21 Oct 2026 07:28:00 GMT',
      ])
      expect(result.stdout.endsWith('\r\n\r\n{}')).toBe(true)
    },
  )
})

describe('secrets', () => {
  test('no error body, listing or log line ever holds the resolved secret', async () => {
    const upstream = await startUpstream(() => {})
    const atlas = await startLocalAtlas(
      r0Config(`${upstream.origin}/base`, [{ name: 'down', baseUrl: 'http://127.0.0.1:9' }]),
      { upstreamTimeoutMs: 200 },
    )
    const probes: [string, Record<string, string>][] = [
      ['/v1/apis/http/stub/x', {}],
      ['/v1/apis/http/stub/x', { authorization: `Bearer ${SECRET}` }],
      ['/v1/apis/http/nope/x', AUTH],
      ['/v1/apis/http/stub/../x', AUTH],
      ['/v1/apis/http/stub/slow', AUTH],
      ['/v1/apis/http/down/x', AUTH],
      ['/v1/apis', AUTH],
      ['/nowhere', AUTH],
      ['/healthz', {}],
    ]

    const bodies: string[] = []
    for (const [path, headers] of probes)
      bodies.push((await sendRaw(atlas.origin, path, headers)).body)

    await atlas.logLines(probes.length)
    expect(bodies.join('\n')).not.toContain(SECRET)
    expect(atlas.log()).not.toContain(SECRET)
  })
})

describe('request targets', () => {
  test('routes a target in absolute form by its path, keeping the adapter host', async () => {
    const upstream = await startUpstream()
    const atlas = await startLocalAtlas(r0Config(`${upstream.origin}/base`))

    const response = await sendRaw(
      atlas.origin,
      'http://evil.example.com/v1/apis/http/stub/items?x=1',
      AUTH,
    )

    expect(response.status).toBe(200)
    expect(upstream.received.map((r) => [r.url, r.headers.host])).toEqual([
      ['/base/items?x=1', [`127.0.0.1:${upstream.port}`]],
    ])
  })

  test('forwards the adapter path without a trailing slash to the base path itself', async () => {
    const upstream = await startUpstream()
    const atlas = await startLocalAtlas(r0Config(`${upstream.origin}/base`))

    await sendRaw(atlas.origin, '/v1/apis/http/stub?x=1', AUTH)
    await sendRaw(atlas.origin, '/v1/apis/http/stub/', AUTH)

    expect(upstream.received.map((r) => r.url)).toEqual(['/base?x=1', '/base/'])
  })
})

describe('methods', () => {
  test.each(['TRACE'])(
    'refuses %s, which would echo the adapter headers, and forwards nothing',
    async (method) => {
      const upstream = await startUpstream()
      const atlas = await startLocalAtlas(r0Config(`${upstream.origin}/base`))

      const response = await client().request({
        origin: atlas.origin,
        path: '/v1/apis/http/stub/x',
        method,
        headers: AUTH,
      })
      const body = await response.body.text()

      expect(response.statusCode).toBe(405)
      expect(JSON.parse(body).error.code).toBe('method_not_allowed')
      expect(upstream.received).toEqual([])
    },
  )

  test.each(['PUT', 'DELETE', 'OPTIONS', 'PROPFIND'])('forwards %s as it is', async (method) => {
    const upstream = await startUpstream()
    const atlas = await startLocalAtlas(r0Config(`${upstream.origin}/base`))

    const response = await client().request({
      origin: atlas.origin,
      path: '/v1/apis/http/stub/x',
      method,
      headers: AUTH,
    })
    await response.body.text()

    expect(response.statusCode).toBe(200)
    expect(upstream.received.map((r) => r.method)).toEqual([method])
  })
})

describe('a broken upstream', () => {
  test('answers 502 when the upstream closes the connection without an answer, and stays up', async () => {
    const upstream = await startUpstream((req) => req.socket.destroy())
    const atlas = await startLocalAtlas(r0Config(`${upstream.origin}/base`))

    const response = await send(`${atlas.origin}/v1/apis/http/stub/broken`, { headers: AUTH })
    const health = await send(`${atlas.origin}/healthz`)

    expect(response.status).toBe(502)
    expect(response.body).toBe(
      '{"error":{"code":"upstream_failed","message":"adapter \\"stub\\" failed: its upstream broke off or gave an answer that cannot be relayed","adapter":"stub"}}',
    )
    expect(health.status).toBe(200)
  })

  test('answers 502 when the upstream sends a header that cannot be relayed', async () => {
    const raw = createNetServer((socket) => {
      socket.once('data', () =>
        socket.end('HTTP/1.1 200 OK\r\nX-Bad: a\x7fb\r\nContent-Length: 2\r\n\r\nok'),
      )
    })
    await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', () => resolve()))
    const port = (raw.address() as AddressInfo).port
    const atlas = await startLocalAtlas(r0Config(`http://127.0.0.1:${port}/base`))

    const response = await send(`${atlas.origin}/v1/apis/http/stub/x`, { headers: AUTH })
    raw.close()

    expect(response.status).toBe(502)
    expect(JSON.parse(response.body).error.code).toBe('upstream_failed')
    expect((await send(`${atlas.origin}/healthz`)).status).toBe(200)
  })

  test('cuts the client response short when the upstream breaks off mid-body', async () => {
    const upstream = await startUpstream((_req, res) => {
      res.writeHead(200, { 'content-length': '100' })
      res.write('partial')
      setTimeout(() => res.socket!.destroy(), 20)
    })
    const atlas = await startLocalAtlas(r0Config(`${upstream.origin}/base`))

    const response = await request(`${atlas.origin}/v1/apis/http/stub/partial`, {
      dispatcher: client(),
      headers: AUTH,
    })

    expect(response.statusCode).toBe(200)
    await expect(response.body.text()).rejects.toThrow()
    expect((await send(`${atlas.origin}/healthz`)).status).toBe(200)
  })
})

describe.skipIf(!existsSync('/usr/bin/openssl'))('https upstreams', () => {
  test('uses the base URL host as TLS server name and Host, even when the adapter sets Host', async () => {
    const dir = await tempDir()
    await execa('openssl', [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost',
    ])
    const [key, cert] = await Promise.all([
      readFile(join(dir, 'key.pem')),
      readFile(join(dir, 'cert.pem')),
    ])
    const seen: [string | undefined, string | false | null][] = []
    const server = createHttpsServer({ key, cert }, (req, res) => {
      seen.push([req.headers.host, (req.socket as TLSSocket).servername])
      res.end('secure')
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
    const port = (server.address() as AddressInfo).port
    const plain = loadAtlasConfig(r0Config(`https://localhost:${port}/base`), 'atlas.yml', {
      STUB_KEY: 'k',
    })
    const withHost = loadAtlasConfig(
      r0Config(`https://localhost:${port}/base`)
        .replace('X-Upstream-Key', 'Host')
        .replace('${{ STUB_KEY }}', 'front.example.test'),
      'atlas.yml',
      {},
    )
    const answers: string[] = []

    for (const config of [plain, withHost]) {
      const atlas = createAtlasServer({
        adapters: config.adapters,
        token: new Secret('test-token'),
        upstreamTimeoutMs: 5000,
        log: new RequestLog({ write: () => true }),
        ca: cert,
      })
      const address = await atlas.listen(0, '127.0.0.1')
      answers.push(
        (await send(`http://127.0.0.1:${address.port}/v1/apis/http/stub/x`, { headers: AUTH }))
          .body,
      )
      await atlas.close(0)
    }
    server.closeAllConnections()
    server.close()

    expect(answers).toEqual(['secure', 'secure'])
    expect(seen).toEqual([
      [`localhost:${port}`, 'localhost'],
      ['front.example.test', 'localhost'],
    ])
  })
})

describe('stopping', () => {
  test('lets a request in flight finish, then refuses new connections', async () => {
    const upstream = await startUpstream((_req, res) => setTimeout(() => res.end('late'), 200))
    const atlas = await startLocalAtlas(r0Config(`${upstream.origin}/base`))

    const pending = send(`${atlas.origin}/v1/apis/http/stub/slow`, { headers: AUTH })
    while (upstream.received.length === 0) await new Promise((resolve) => setTimeout(resolve, 5))
    await atlas.atlas.close(2000)
    const response = await pending

    expect(response).toMatchObject({ status: 200, body: 'late' })
    await expect(send(`${atlas.origin}/healthz`)).rejects.toThrow()
    expect(atlas.log()).toMatch(/^GET stub \/v1\/apis\/http\/stub\/slow 200 [\d.]+ms\n$/)
  })
})
