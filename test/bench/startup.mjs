// Times `mom --version` and the seed edit against `node -e 0`, interleaved in one run so that
// the machine's load weighs on all three alike, and prints the medians and their ratios.
// NODE_EXTRA_CA_CERTS makes every Node start read the certificates (tens of ms), so when it is
// set the figures are given twice: as the environment has it, and with it unset.
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

const { NODE_EXTRA_CA_CERTS: certs, ...withoutCerts } = process.env
const envs = [{ name: 'as the environment has it', env: process.env }]
if (certs !== undefined) envs.push({ name: 'NODE_EXTRA_CA_CERTS unset', env: withoutCerts })

function time(args, env, before) {
  before?.()
  const start = performance.now()
  const result = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], env })
  const ms = performance.now() - start
  if (result.status !== 0) throw new Error(`${args.join(' ')} failed: ${result.stderr}`)
  return ms
}

for (const e of envs) e.samples = { node: [], version: [], edit: [] }
for (let i = 0; i < rounds + 2; i++) {
  for (const { env, samples } of envs) {
    const node = time(['-e', '0'], env)
    const version = time([mom, '--version'], env)
    const edited = time(edit, env, () => copyFileSync(seed, file))
    if (i < 2) continue // warm the disk cache
    samples.node.push(node)
    samples.version.push(version)
    samples.edit.push(edited)
  }
}
rmSync(dir, { recursive: true, force: true })

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
console.log(`rounds: ${rounds}`)
for (const { name, samples } of envs) {
  const base = median(samples.node)
  const row = (label, xs) =>
    `${label.padEnd(20)}${median(xs).toFixed(1)} ms  ratio ${(median(xs) / base).toFixed(2)}x`
  console.log(`${name}:`)
  console.log(`  ${'node -e 0:'.padEnd(20)}${base.toFixed(1)} ms`)
  console.log(`  ${row('mom --version:', samples.version)}`)
  console.log(`  ${row('mom seed edit:', samples.edit)}`)
}
console.log('target: at most 1.30x for both')
