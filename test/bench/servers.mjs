// The servers the load bench compares, each run in its own process:
//   node servers.mjs upstream              a small fixed JSON answer
//   node servers.mjs lean PORT             the leanest correct proxy: node:http, an undici Pool's
//                                          raw dispatch, streaming, hop-by-hop headers dropped,
//                                          one header set
//   node servers.mjs lean-request PORT     the same with pool.request and a piped body
//   node servers.mjs http-proxy PORT       the same job done with http-proxy
// Each prints "listening PORT" on stdout once it accepts connections. Loopback only.
import { createServer, Agent as HttpAgent } from 'node:http'
import { pipeline } from 'node:stream'

const [mode, upstreamPort] = process.argv.slice(2)
const PREFIX = '/v1/apis/http/stub'
const KEY = 'bench-key'
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'proxy-authorization',
  'proxy-authenticate',
  'host',
  'authorization',
  'expect',
  'x-upstream-key',
])

function listen(server) {
  server.listen(0, '127.0.0.1', () => console.log(`listening ${server.address().port}`))
}

if (mode === 'upstream') {
  const body = Buffer.from(
    '{"id":"01234567-89ab-cdef-0123-456789abcdef","email":"user@example.com"}',
  )
  listen(
    createServer((req, res) => {
      if (req.headers['x-upstream-key'] === undefined && req.url !== '/direct') res.statusCode = 500
      req.resume()
      res.writeHead(res.statusCode, {
        'content-type': 'application/json',
        'content-length': body.length,
      })
      res.end(body)
    }),
  )
} else if (mode === 'lean' || mode === 'lean-request') {
  const { Pool } = await import('undici')
  const pool = new Pool(`http://127.0.0.1:${upstreamPort}`)
  const forward = mode === 'lean' ? dispatchTo(pool) : requestTo(pool)
  listen(
    createServer((req, res) => {
      const raw = req.rawHeaders
      const headers = []
      let hasBody = false
      for (let i = 0; i < raw.length; i += 2) {
        const lower = raw[i].toLowerCase()
        if (lower === 'content-length' || lower === 'transfer-encoding') hasBody = true
        if (!HOP_BY_HOP.has(lower)) headers.push(raw[i], raw[i + 1])
      }
      headers.push('x-upstream-key', KEY)
      forward(req, res, {
        path: '/base' + req.url.slice(PREFIX.length),
        method: req.method,
        headers,
        body: hasBody ? req : null,
      })
    }),
  )
} else if (mode === 'http-proxy') {
  const { default: httpProxy } = await import('http-proxy')
  const proxy = httpProxy.createProxyServer({
    target: `http://127.0.0.1:${upstreamPort}/base`,
    agent: new HttpAgent({ keepAlive: true }),
    changeOrigin: true,
  })
  proxy.on('proxyReq', (proxyReq) => {
    proxyReq.removeHeader('authorization')
    proxyReq.setHeader('x-upstream-key', KEY)
  })
  proxy.on('error', (_error, _req, res) => {
    res.writeHead(502)
    res.end()
  })
  listen(
    createServer((req, res) => {
      req.url = req.url.slice(PREFIX.length)
      proxy.web(req, res)
    }),
  )
}

/** The leanest relay undici allows: its raw dispatch handler, with backpressure. */
function dispatchTo(pool) {
  return (req, res, options) => {
    let abort
    res.on('close', () => {
      if (!res.writableFinished) abort?.(new Error('client gone'))
    })
    pool.dispatch(options, {
      onConnect: (a) => (abort = a),
      onHeaders(status, raw, resume) {
        const headers = []
        for (let i = 0; i < raw.length; i += 2) {
          const name = raw[i].toString('latin1')
          if (!HOP_BY_HOP.has(name.toLowerCase())) headers.push(name, raw[i + 1].toString('latin1'))
        }
        res.writeHead(status, headers)
        res.on('drain', resume)
        return true
      },
      onData: (chunk) => res.write(chunk),
      onComplete: () => res.end(),
      onError() {
        if (res.headersSent) return void res.destroy()
        res.writeHead(502)
        res.end()
      },
    })
  }
}

/** The usual promise-based way: pool.request, then pipe the body. */
function requestTo(pool) {
  return (_req, res, options) => {
    pool.request(options).then(
      (upstream) => {
        const out = {}
        for (const [name, value] of Object.entries(upstream.headers))
          if (!HOP_BY_HOP.has(name)) out[name] = value
        res.writeHead(upstream.statusCode, out)
        pipeline(upstream.body, res, () => {})
      },
      () => {
        res.writeHead(502)
        res.end()
      },
    )
  }
}

if (!['upstream', 'lean', 'lean-request', 'http-proxy'].includes(mode)) {
  console.error(
    'usage: node servers.mjs upstream | lean PORT | lean-request PORT | http-proxy PORT',
  )
  process.exit(2)
}
