// Load bench for `mom atlas run` (not a test): loopback only, bounded in time, stops by itself.
//
//   npm run build && node test/bench/load.mjs [--seconds 8] [--rounds 1]
//
// Starts a small upstream and, side by side, (1) nothing: load straight to the upstream,
// (2) the real `mom atlas run` in a child process (its log goes to a file), (3) the leanest
// correct Node proxy (servers.mjs lean: undici's raw dispatch; lean-req: the same with
// pool.request, shown for reference), (4) http-proxy (servers.mjs http-proxy). Each is driven
// by autocannon in a separate process at 200 and at 10 connections for the same duration, and the
// script prints req/s, p50 and p99, and the ratios the targets are about:
//   at 200 connections mom >= 0.85 x lean and >= 1.1 x http-proxy in throughput;
//   at 10 connections mom's added p99 over direct within 0.5 ms of the lean proxy's.
import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { openSync } from 'node:fs'

const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, '..', '..')
const { values } = parseArgs({
  options: { seconds: { type: 'string', default: '8' }, rounds: { type: 'string', default: '1' } },
})
const seconds = Math.min(Math.max(Number(values.seconds), 1), 30)
const rounds = Math.min(Math.max(Number(values.rounds), 1), 5)
const TOKEN = 'bench-token'
const children = []

// A hard stop whatever happens: every run, its warm-up and start-up, plus a margin.
const budgetMs = rounds * 2 * 5 * (seconds + 2) * 1000 + 60_000
const deadline = setTimeout(() => {
  console.error('bench: over its time budget; stopping')
  stopAll()
  process.exit(1)
}, budgetMs)

function start(args, options = {}) {
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', options.stderr ?? 'inherit'],
    env: { ...process.env, ...options.env },
  })
  children.push(child)
  return child
}

function stopAll() {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM')
}

function portFrom(child) {
  return new Promise((resolve, reject) => {
    let out = ''
    child.stdout.on('data', (chunk) => {
      out += chunk
      const match = /listening (\d+)/.exec(out)
      if (match) resolve(Number(match[1]))
    })
    child.on('exit', (code) => reject(new Error(`server exited ${code} before listening`)))
  })
}

async function startMom(upstreamPort, dir) {
  const file = join(dir, 'atlas.yml')
  await writeFile(
    file,
    `apiVersion: moment.dev/atlas/v1alpha1
kind: Atlas
metadata:
  name: bench
spec:
  adapters:
  - adapterRef: {apiVersion: moment.dev/adapters/v1alpha1, kind: HTTP, name: stub}
---
apiVersion: moment.dev/adapters/v1alpha1
kind: HTTP
metadata:
  name: stub
spec:
  baseUrl: http://127.0.0.1:${upstreamPort}/base
  headers:
  - name: X-Upstream-Key
    value: \${{ BENCH_KEY }}
`,
  )
  const logFile = join(dir, 'mom.log')
  const child = start(
    [join(root, 'bin', 'mom.js'), 'atlas', 'run', '-f', file, '--port', '0', '--token', TOKEN],
    {
      stderr: openSync(logFile, 'w'),
      env: { BENCH_KEY: 'bench-key', MOM_CONFIG_DIR: join(dir, 'config') },
    },
  )
  for (let i = 0; i < 100; i++) {
    const match = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(await readFile(logFile, 'utf8'))
    if (match) return { port: Number(match[1]), child, logFile }
    if (child.exitCode !== null) break
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`mom atlas run did not start: ${await readFile(logFile, 'utf8')}`)
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux); NaN elsewhere. */
async function cpuSeconds(pid) {
  try {
    const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1].split(' ')
    return (Number(fields[11]) + Number(fields[12])) / 100
  } catch {
    return NaN
  }
}

function drive(url, connections, duration) {
  return new Promise((resolve, reject) => {
    const child = start([
      join(here, 'drive.mjs'),
      url,
      String(connections),
      String(duration),
      TOKEN,
    ])
    let out = ''
    child.stdout.on('data', (chunk) => (out += chunk))
    child.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`load generator exited ${code}`)),
    )
  })
}

async function check(name, url) {
  const response = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } })
  const body = await response.text()
  if (response.status !== 200 || !body.includes('"email"'))
    throw new Error(`${name} answered ${response.status}: ${body}`)
}

const fmt = (n, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a')
const dir = await mkdtemp(join(tmpdir(), 'mom-bench-'))
try {
  const upstream = start([join(here, 'servers.mjs'), 'upstream'])
  const upstreamPort = await portFrom(upstream)
  const mom = await startMom(upstreamPort, dir)
  const leanChild = start([join(here, 'servers.mjs'), 'lean', String(upstreamPort)])
  const lean = await portFrom(leanChild)
  const leanRequestChild = start([join(here, 'servers.mjs'), 'lean-request', String(upstreamPort)])
  const leanRequest = await portFrom(leanRequestChild)
  const httpProxyChild = start([join(here, 'servers.mjs'), 'http-proxy', String(upstreamPort)])
  const httpProxy = await portFrom(httpProxyChild)
  const path = '/v1/apis/http/stub/account'
  // name, URL, and the process whose CPU time is charged to the run (the upstream for direct)
  const targets = [
    ['direct', `http://127.0.0.1:${upstreamPort}/direct`, upstream.pid],
    ['mom', `http://127.0.0.1:${mom.port}${path}`, mom.child.pid],
    ['lean', `http://127.0.0.1:${lean}${path}`, leanChild.pid],
    ['lean-req', `http://127.0.0.1:${leanRequest}${path}`, leanRequestChild.pid],
    ['http-proxy', `http://127.0.0.1:${httpProxy}${path}`, httpProxyChild.pid],
  ]
  for (const [name, url] of targets) await check(name, url)

  const results = {}
  for (let round = 1; round <= rounds; round++) {
    for (const connections of [200, 10]) {
      for (const [name, url, pid] of targets) {
        await drive(url, connections, 1) // warm-up, not counted
        const cpuBefore = await cpuSeconds(pid)
        const result = await drive(url, connections, seconds)
        // CPU per request holds up better than req/s on a machine shared with other work.
        result.cpuUs = (((await cpuSeconds(pid)) - cpuBefore) * 1e6) / result.requests
        ;(results[`${name}@${connections}`] ??= []).push(result)
        console.log(
          `round ${round} ${String(connections).padStart(3)} conn  ${name.padEnd(10)} ${fmt(result.rps, 0).padStart(7)} req/s  p50 ${fmt(result.p50, 3)} ms  p99 ${fmt(result.p99, 3)} ms  ${fmt(result.cpuUs, 0)} us CPU/req${result.bad ? `  (${result.bad} not 200)` : ''}`,
        )
      }
    }
  }

  // With several rounds, each figure is the median over the rounds.
  const median = (key, field) => {
    const list = results[key].map((r) => r[field]).sort((a, b) => a - b)
    return list[Math.floor(list.length / 2)]
  }
  console.log('')
  console.log(`summary (${seconds} s per run, ${rounds} round${rounds > 1 ? 's' : ''}, median):`)
  for (const connections of [200, 10]) {
    for (const [name] of targets) {
      const key = `${name}@${connections}`
      console.log(
        `  ${String(connections).padStart(3)} conn  ${name.padEnd(10)} ${fmt(median(key, 'rps'), 0).padStart(7)} req/s  p50 ${fmt(median(key, 'p50'), 3)} ms  p99 ${fmt(median(key, 'p99'), 3)} ms  ${fmt(median(key, 'cpuUs'), 0)} us CPU/req`,
      )
    }
  }
  const momVsLean = median('mom@200', 'rps') / median('lean@200', 'rps')
  const momVsHttpProxy = median('mom@200', 'rps') / median('http-proxy@200', 'rps')
  const momAdded = median('mom@10', 'p99') - median('direct@10', 'p99')
  const leanAdded = median('lean@10', 'p99') - median('direct@10', 'p99')
  const verdict = (ok) => (ok ? 'meets target' : 'MISSES target')
  console.log('')
  console.log(
    `  mom / lean throughput at 200 conn:        ${fmt(momVsLean)} (target >= 0.85: ${verdict(momVsLean >= 0.85)})`,
  )
  console.log(
    `  mom / http-proxy throughput at 200 conn:  ${fmt(momVsHttpProxy)} (target >= 1.10: ${verdict(momVsHttpProxy >= 1.1)})`,
  )
  console.log(
    `  added p99 over direct at 10 conn:         mom ${fmt(momAdded, 3)} ms, lean ${fmt(leanAdded, 3)} ms, difference ${fmt(momAdded - leanAdded, 3)} ms (target <= 0.5: ${verdict(momAdded - leanAdded <= 0.5)})`,
  )
  const cpu = (name) => median(`${name}@200`, 'cpuUs')
  console.log(
    `  CPU per request at 200 conn:              mom ${fmt(cpu('mom'), 0)} us, lean ${fmt(cpu('lean'), 0)} us, http-proxy ${fmt(cpu('http-proxy'), 0)} us (lean / mom ${fmt(cpu('lean') / cpu('mom'))})`,
  )
  const logLines = (await readFile(mom.logFile, 'utf8')).split('\n').length - 2
  console.log(`  mom logged ${logLines} request lines`)
} finally {
  clearTimeout(deadline)
  stopAll()
  await rm(dir, { recursive: true, force: true })
}
