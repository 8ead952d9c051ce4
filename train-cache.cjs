'use strict'
// Part of the build (esbuild.mjs): runs the commands whose start-up matters most once, in one
// process, then saves each loaded chunk's V8 code cache beside it in dist/ for bin/load.js. The
// cache holds the functions these runs compiled, so a later run of the same command finds them
// ready. Output goes nowhere; files are written only under a temporary folder.
const { copyFileSync, mkdtempSync, rmSync, writeFileSync } = require('node:fs')
const { tmpdir } = require('node:os')
const { join } = require('node:path')
const { Writable } = require('node:stream')

const { createLoader } = require('./bin/load.js')

const dist = join(__dirname, 'dist')
const seed = join(__dirname, 'fixtures', 'seed-heroku', 'atlas.yml')
const edit = [
  ...['atlas', 'config', 'add-http-adapter', '-f', 'atlas.yml', '--adapter-name', 'heroku'],
  ...['--base-url', 'https://api.heroku.com', '-H', 'Authorization: Bearer ${{ HEROKU_API_KEY }}'],
  ...['-H', 'Accept: application/vnd.heroku+json; version=3'],
]
const commands = [
  ['--version'],
  ['--help'],
  [...edit, '--dry-run'],
  edit,
  [
    'atlas',
    'config',
    'add-http-adapter',
    '-f',
    'atlas.yml',
    '--adapter-name',
    'Bad',
    '--base-url',
    'x',
  ],
  ['atlas', 'config', 'generate', '--name', 'status', '--preset', 'local'],
  ['auth', 'status'],
  // These load the proxy's and curl's chunks; nothing listens on port 1, nor is missing.yml there.
  ['atlas', 'run', '-f', 'missing.yml'],
  ['curl', '--base-url', 'http://127.0.0.1:1', '-s', '/v1/apis/http/stub/items'],
]

async function main() {
  const loader = createLoader(dist)
  const { runMom, systemContext } = loader.load('main.js')
  const dir = mkdtempSync(join(tmpdir(), 'mom-train-'))
  try {
    copyFileSync(seed, join(dir, 'atlas.yml'))
    const nowhere = new Writable({ write: (_chunk, _encoding, done) => done() })
    const ctx = {
      ...systemContext(),
      stdout: nowhere,
      stderr: nowhere,
      cwd: dir,
      env: { ...process.env, MOM_CONFIG_DIR: dir, MOM_TOKEN: 'training' },
    }
    for (const argv of commands) await runMom(ctx, argv)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  for (const [name, script] of loader.scripts)
    writeFileSync(join(dist, `${name}.cache`), script.createCachedData())
}

main().catch((error) => {
  console.error(error)
  process.exitCode = 1
})
