// Downloads 50 MiB through `mom curl -o` and through curl from a local stand-in Atlas, and prints
// wall time, throughput and mom's peak resident memory. Loopback only; run after `npm run build`:
//   node test/bench/curl-download.mjs [MiB]
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { build } from 'esbuild'

const mib = Number(process.argv[2] ?? 50)
const root = new URL('../..', import.meta.url).pathname
const dir = await mkdtemp(join(tmpdir(), 'mom-bench-'))
const helper = join(dir, 'stand-in.mjs')
await build({
  entryPoints: [join(root, 'test/helpers/stand-in-atlas.ts')],
  outfile: helper,
  format: 'esm',
  platform: 'node',
  bundle: true,
  logLevel: 'warning',
})
const { startStandInAtlas } = await import(helper)
const atlas = await startStandInAtlas()
const path = `/v1/apis/http/stub/big/${mib}`

function run(command, args, env = {}) {
  return new Promise((resolve) => {
    const started = performance.now()
    const child = spawn(command, args, {
      cwd: dir,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'inherit'],
    })
    child.on('exit', (code) => resolve({ code, ms: performance.now() - started }))
  })
}

async function peakRss(pid) {
  const { readFile } = await import('node:fs/promises')
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8')
    return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0)
  } catch {
    return 0
  }
}

// mom, sampling its peak RSS (VmHWM) while it runs.
const started = performance.now()
const child = spawn('node', [join(root, 'bin/mom.js'), 'curl', '-sS', '-o', 'mom.bin', path], {
  cwd: dir,
  env: { ...process.env, MOM_BASE_URL: atlas.url, MOM_TOKEN: 'test-token' },
  stdio: ['ignore', 'ignore', 'inherit'],
})
let hwm = 0
const timer = setInterval(async () => (hwm = Math.max(hwm, await peakRss(child.pid))), 20)
const momCode = await new Promise((resolve) => child.on('exit', resolve))
clearInterval(timer)
const momMs = performance.now() - started
const momSize = (await stat(join(dir, 'mom.bin'))).size

let curl
if (existsSync('/usr/bin/curl')) {
  curl = await run('/usr/bin/curl', [
    '-sS',
    '-H',
    'Authorization: Bearer test-token',
    '-o',
    'curl.bin',
    atlas.url + path,
  ])
}

const rate = (ms) => ((mib / ms) * 1000).toFixed(0)
console.log(`download of ${mib} MiB over loopback`)
console.log(
  `mom curl: exit ${momCode}, ${momSize} bytes, ${momMs.toFixed(0)} ms, ${rate(momMs)} MiB/s, peak RSS ${(hwm / 1024).toFixed(0)} MiB`,
)
if (curl)
  console.log(
    `curl:     exit ${curl.code}, ${curl.ms.toFixed(0)} ms, ${rate(curl.ms)} MiB/s; mom/curl time ratio ${(momMs / curl.ms).toFixed(2)}`,
  )
await atlas.close()
await rm(dir, { recursive: true, force: true })
