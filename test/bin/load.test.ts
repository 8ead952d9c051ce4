import { cp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { join } from 'node:path'

import { execa } from 'execa'
import { describe, expect, test } from 'vitest'

import { copyFixture, repoRoot, tempDir } from '../helpers/mom.js'

const require = createRequire(import.meta.url)
const { createLoader } = require('../../bin/load.js') as {
  createLoader: (dir: string) => {
    load: (name: string) => Record<string, unknown>
    scripts: Map<string, { cachedDataRejected?: boolean }>
  }
}

const SEED_EDIT = [
  ...['atlas', 'config', 'add-http-adapter', '-f', 'atlas.yml', '--adapter-name', 'heroku'],
  ...['--base-url', 'https://api.heroku.com', '-H', 'Authorization: Bearer ${{ HEROKU_API_KEY }}'],
  ...['-H', 'Accept: application/vnd.heroku+json; version=3'],
]

/** A copy of bin/ and the built dist/, with `spoil` applied to each code cache file. */
async function copyApp(spoil: (path: string) => Promise<void>): Promise<string> {
  const app = await tempDir('mom-app-')
  await cp(join(repoRoot, 'bin'), join(app, 'bin'), { recursive: true })
  await cp(join(repoRoot, 'dist'), join(app, 'dist'), { recursive: true })
  for (const name of await readdir(join(app, 'dist')))
    if (name.endsWith('.cache')) await spoil(join(app, 'dist', name))
  return app
}

const garbage = (path: string) => writeFile(path, Buffer.from('not a V8 code cache'))
const remove = (path: string) => rm(path)

describe('the code caches in dist/', () => {
  test('are accepted by the Node that built them', () => {
    const loader = createLoader(join(repoRoot, 'dist'))
    loader.load('main.js')
    const rejected = [...loader.scripts].filter(([, script]) => script.cachedDataRejected !== false)
    expect(rejected.map(([name]) => name)).toEqual([])
  })

  test('that V8 refuses are ignored and the chunks compile from source', async () => {
    const app = await copyApp(garbage)
    const loader = createLoader(join(app, 'dist'))
    expect(typeof loader.load('main.js').runMom).toBe('function')
    expect(loader.scripts.get('main.js')?.cachedDataRejected).toBe(true)
  })

  for (const [what, spoil] of [
    ['refused', garbage],
    ['missing', remove],
  ] as const) {
    test(`${what}, still let mom print its version and make the seed edit`, async () => {
      const app = await copyApp(spoil)
      const dir = await copyFixture('seed-heroku')
      const bin = join(app, 'bin', 'mom.js')

      const version = await execa('node', [bin, '--version'], { reject: false })
      const edit = await execa('node', [bin, ...SEED_EDIT], { cwd: dir, reject: false })

      expect(version).toMatchObject({ exitCode: 0, stdout: '0.1.0', stderr: '' })
      expect(edit).toMatchObject({ exitCode: 0, stdout: '', stderr: '' })
      expect(await readFile(join(dir, 'atlas.yml'))).toEqual(
        await readFile(join(dir, 'expected.yml')),
      )
    })
  }
})
