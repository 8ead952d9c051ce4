// Times `mom --version` and the seed edit against `node -e 0`, interleaved in one run so that
// the machine's load weighs on all three alike, and prints the medians and their ratios.
// Run after `npm run build`: node test/bench/startup.mjs [rounds]
import { spawnSync } from 'node:child_process'
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../..', import.meta.url))
const mom = join(root, 'bin', 'mom.js')
const seed = join(root, 'fixtures', 'seed-heroku', 'atlas.yml')
const rounds = Number(process.argv[2] ?? 21)
const dir = mkdtempSync(join(tmpdir(), 'mom-bench-'))
const file = join(dir, 'atlas.yml')

const edit = [
  mom,
  'atlas',
  'config',
  'add-http-adapter',
  '-f',
  file,
  '--adapter-name',
  'heroku',
  '--base-url',
  'https://api.heroku.com',
  '-H',
  'Authorization: Bearer ${{ HEROKU_API_KEY }}',
  '-H',
  'Accept: application/vnd.heroku+json; version=3',
]

function time(args, before) {
  before?.()
  const start = performance.now()
  const result = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] })
  const ms = performance.now() - start
  if (result.status !== 0) throw new Error(`${args.join(' ')} failed: ${result.stderr}`)
  return ms
}

const samples = { node: [], version: [], edit: [] }
for (let i = 0; i < rounds + 2; i++) {
  const node = time(['-e', '0'])
  const version = time([mom, '--version'])
  const edited = time(edit, () => copyFileSync(seed, file))
  if (i < 2) continue // warm the disk cache
  samples.node.push(node)
  samples.version.push(version)
  samples.edit.push(edited)
}
rmSync(dir, { recursive: true, force: true })

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const base = median(samples.node)
console.log(`rounds: ${rounds}`)
console.log(`node -e 0:          ${base.toFixed(1)} ms`)
console.log(
  `mom --version:      ${median(samples.version).toFixed(1)} ms  ratio ${(median(samples.version) / base).toFixed(2)}x`,
)
console.log(
  `mom seed edit:      ${median(samples.edit).toFixed(1)} ms  ratio ${(median(samples.edit) / base).toFixed(2)}x`,
)
console.log('target: at most 1.30x for both')
