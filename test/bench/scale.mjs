// Times the real `mom atlas config add-http-adapter` on generated configurations of 1,000 and
// 10,000 adapters (median of several runs each) and prints both times and their ratio: wall
// time, and CPU time (user + system, from /usr/bin/time when present), which a busy machine
// inflates less. Run after `npm run build`: node test/bench/scale.mjs [runs]
import { spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../..', import.meta.url))
const mom = join(root, 'bin', 'mom.js')
const runs = Number(process.argv[2] ?? 5)
const dir = mkdtempSync(join(tmpdir(), 'mom-scale-'))
const timer = existsSync('/usr/bin/time') ? ['/usr/bin/time', '-f', 'cpu %U %S'] : []

function generate(count) {
  const refs = []
  const docs = []
  for (let i = 0; i < count; i++) {
    refs.push(
      `  - adapterRef:\n      apiVersion: moment.dev/adapters/v1alpha1\n      kind: HTTP\n      name: svc-${i}\n`,
    )
    docs.push(
      `---\napiVersion: moment.dev/adapters/v1alpha1\nkind: HTTP\nmetadata:\n  name: svc-${i}\nspec:\n` +
        `  baseUrl: https://svc-${i}.example.com\n  headers:\n  - name: Authorization\n` +
        `    value: Bearer \${{ SVC_${i}_TOKEN }}\n  - name: Accept\n    value: application/json\n`,
    )
  }
  const head =
    'apiVersion: moment.dev/atlas/v1alpha1\nkind: Atlas\nmetadata:\n  name: big\nspec:\n  adapters:\n'
  return head + refs.join('') + '  exposedPorts: {}\n' + docs.join('')
}

function timeEdit(source, target) {
  copyFileSync(source, target)
  const args = [
    mom,
    'atlas',
    'config',
    'add-http-adapter',
    '-f',
    target,
    '--adapter-name',
    'heroku',
    '--base-url',
    'https://api.heroku.com',
    '-H',
    'Authorization: Bearer ${{ HEROKU_API_KEY }}',
  ]
  const [command, ...rest] = [...timer, process.execPath, ...args]
  const start = performance.now()
  const result = spawnSync(command, rest, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' })
  const ms = performance.now() - start
  if (result.status !== 0) throw new Error(`edit failed: ${result.stderr}`)
  const cpu = /cpu ([\d.]+) ([\d.]+)/.exec(result.stderr)
  return { ms, cpu: cpu ? (Number(cpu[1]) + Number(cpu[2])) * 1000 : NaN }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const results = {}
for (const count of [1000, 10000]) {
  const source = join(dir, `atlas-${count}.yml`)
  writeFileSync(source, generate(count))
  results[count] = { bytes: statSync(source).size, times: [] }
}
// Interleave the sizes so that load on the machine weighs on both alike.
for (let i = 0; i < runs; i++) {
  for (const count of [1000, 10000]) {
    results[count].times.push(
      timeEdit(join(dir, `atlas-${count}.yml`), join(dir, `edit-${count}.yml`)),
    )
  }
}
rmSync(dir, { recursive: true, force: true })

const wall = (count) => median(results[count].times.map((t) => t.ms))
const cpu = (count) => median(results[count].times.map((t) => t.cpu))
const mb = (count) => (results[count].bytes / 1e6).toFixed(2)
console.log(`runs: ${runs} each (medians)`)
console.log(
  `1,000 adapters  (${mb(1000)} MB): ${wall(1000).toFixed(0)} ms wall, ${cpu(1000).toFixed(0)} ms cpu (target < 300 ms)`,
)
console.log(
  `10,000 adapters (${mb(10000)} MB): ${wall(10000).toFixed(0)} ms wall, ${cpu(10000).toFixed(0)} ms cpu (target < 2000 ms)`,
)
console.log(
  `ratio 10,000 / 1,000: ${(wall(10000) / wall(1000)).toFixed(2)} wall, ${(cpu(10000) / cpu(1000)).toFixed(2)} cpu (10 or less grows no worse than linearly)`,
)
