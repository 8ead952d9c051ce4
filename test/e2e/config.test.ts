import {
  chmod,
  lstat,
  readFile,
  readlink,
  stat,
  symlink,
  writeFile,
  rename,
} from 'node:fs/promises'
import { join } from 'node:path'

import { execa } from 'execa'
import { describe, expect, test } from 'vitest'

import { copyFixture, mom, repoRoot, tempDir } from '../helpers/mom.js'

const SEED_ARGS = [
  '--adapter-name',
  'heroku',
  '--base-url',
  'https://api.heroku.com',
  '-H',
  'Authorization: Bearer ${{ HEROKU_API_KEY }}',
  '-H',
  'Accept: application/vnd.heroku+json; version=3',
]
const EXPECTED = join(repoRoot, 'fixtures', 'seed-heroku', 'expected.yml')
const add = (file: string, args = SEED_ARGS) => [
  'atlas',
  'config',
  'add-http-adapter',
  '-f',
  file,
  ...args,
]

describe('mom atlas config add-http-adapter, as a user runs it', () => {
  test('turns the seed file into expected.yml byte for byte', async () => {
    const dir = await copyFixture('seed-heroku')

    const result = await mom(add('atlas.yml'), { cwd: dir })

    expect(result).toMatchObject({ exitCode: 0, stdout: '', stderr: '' })
    expect(await readFile(join(dir, 'atlas.yml'))).toEqual(await readFile(EXPECTED))
  })

  test('shows exactly the two hunks of SPEC section 2 in git diff', async () => {
    const dir = await copyFixture('seed-heroku')
    await execa('cp', ['atlas.yml', 'before.yml'], { cwd: dir })

    await mom(add('atlas.yml'), { cwd: dir })
    const diff = await execa(
      'git',
      ['diff', '--no-index', '--no-color', 'before.yml', 'atlas.yml'],
      { cwd: dir, reject: false },
    )

    const hunks = diff.stdout.split('\n').filter((line) => line.startsWith('@@'))
    expect(hunks).toEqual(['@@ -16,6 +16,10 @@ spec:', '@@ -64,3 +68,15 @@ spec:'])
    const changed = diff.stdout.split('\n').filter((line) => /^[-+](?![-+]{2} )/.test(line))
    expect(changed.every((line) => line.startsWith('+'))).toBe(true)
    expect(changed).toHaveLength(16)
  })

  test('replaces the target of a symbolic link and keeps the link', async () => {
    const dir = await copyFixture('seed-heroku')
    await rename(join(dir, 'atlas.yml'), join(dir, 'real.yml'))
    await symlink('real.yml', join(dir, 'atlas.yml'))

    const result = await mom(add('atlas.yml'), { cwd: dir })

    expect(result.exitCode).toBe(0)
    expect((await lstat(join(dir, 'atlas.yml'))).isSymbolicLink()).toBe(true)
    expect(await readlink(join(dir, 'atlas.yml'))).toBe('real.yml')
    expect(await readFile(join(dir, 'real.yml'))).toEqual(await readFile(EXPECTED))
  })

  test('keeps the file mode', async () => {
    const dir = await copyFixture('seed-heroku')
    await chmod(join(dir, 'atlas.yml'), 0o640)

    await mom(add('atlas.yml'), { cwd: dir })

    expect((await stat(join(dir, 'atlas.yml'))).mode & 0o777).toBe(0o640)
    expect(await readFile(join(dir, 'atlas.yml'))).toEqual(await readFile(EXPECTED))
  })

  test('keeps one byte order mark through -f - with standard input and output', async () => {
    const seed = await readFile(join(repoRoot, 'fixtures', 'seed-heroku', 'atlas.yml'))
    const input = Buffer.concat([Buffer.from('\uFEFF# Atlas for the data team\n'), seed])

    const result = await mom(add('-'), { input, encoding: 'buffer' })

    const expected = Buffer.concat([
      Buffer.from('\uFEFF# Atlas for the data team\n'),
      await readFile(EXPECTED),
    ])
    expect(result.exitCode).toBe(0)
    expect(Buffer.from(result.stdout as Uint8Array)).toEqual(expected)
  })

  test('keeps CRLF through -f -', async () => {
    const seed = (
      await readFile(join(repoRoot, 'fixtures', 'seed-heroku', 'atlas.yml'), 'utf8')
    ).replace(/\n/g, '\r\n')

    const result = await mom(add('-'), { input: seed })

    expect(result.exitCode).toBe(0)
    expect(result.stdout).toBe((await readFile(EXPECTED, 'utf8')).replace(/\n/g, '\r\n'))
  })

  test('refuses an unwritable file and leaves it as it was', async (context) => {
    const dir = await copyFixture('seed-heroku')
    const before = await readFile(join(dir, 'atlas.yml'))
    // Permissions do not stop root; an immutable folder does, where the file system allows it.
    const asRoot = process.getuid?.() === 0
    if (asRoot) {
      const immutable = await execa('chattr', ['+i', dir], { reject: false })
      if (immutable.exitCode !== 0) context.skip()
    } else await chmod(dir, 0o500)

    const result = await mom(add('atlas.yml'), { cwd: dir }).finally(() =>
      asRoot ? execa('chattr', ['-i', dir]) : chmod(dir, 0o700),
    )

    expect(result.exitCode).toBe(1)
    expect(result.stderr).toBe(
      'mom: atlas.yml: cannot write the file: permission denied; nothing was written\n',
    )
    expect(await readFile(join(dir, 'atlas.yml'))).toEqual(before)
  })

  test('refuses a read-only file in a writable folder, which a rename alone would replace', async (context) => {
    const dir = await copyFixture('seed-heroku')
    const file = join(dir, 'atlas.yml')
    const before = await readFile(file)
    await chmod(file, 0o444)
    // Root may write any file, so the user who runs mom is nobody, owning both folder and file.
    const asRoot = process.getuid?.() === 0
    if (asRoot) {
      const owned = await execa('chown', ['-R', 'nobody', dir], { reject: false })
      const canRun = await execa(
        'runuser',
        ['-u', 'nobody', '--', 'node', join(repoRoot, 'bin', 'mom.js'), '--version'],
        { reject: false },
      )
      if (owned.exitCode !== 0 || canRun.exitCode !== 0) context.skip()
    }
    const args = ['node', join(repoRoot, 'bin', 'mom.js'), ...add('atlas.yml')]

    const result = asRoot
      ? await execa('runuser', ['-u', 'nobody', '--', ...args], { cwd: dir, reject: false })
      : await mom(add('atlas.yml'), { cwd: dir })

    expect(result.stderr).toBe(
      'mom: atlas.yml: cannot write the file: permission denied; nothing was written',
    )
    expect(result.exitCode).toBe(1)
    expect(await readFile(file)).toEqual(before)
    expect((await stat(file)).mode & 0o777).toBe(0o444)
  })

  test.skipIf(process.getuid?.() === 0)('refuses an unreadable file', async () => {
    const dir = await copyFixture('seed-heroku')
    await chmod(join(dir, 'atlas.yml'), 0o000)

    const result = await mom(add('atlas.yml'), { cwd: dir })
    await chmod(join(dir, 'atlas.yml'), 0o644)

    expect(result).toMatchObject({
      exitCode: 1,
      stderr: 'mom: atlas.yml: cannot read the file: permission denied\n',
    })
  })

  test('refuses with one line and exit 1 when the file is missing', async () => {
    const dir = await tempDir()

    const result = await mom(add('nope.yml'), { cwd: dir })

    expect(result).toMatchObject({ exitCode: 1, stderr: 'mom: nope.yml: no such file\n' })
  })

  test('answers a missing required flag with exit 2', async () => {
    const result = await mom(['atlas', 'config', 'add-http-adapter', '-f', 'atlas.yml'])

    expect(result.exitCode).toBe(2)
    expect(result.stderr).toMatch(
      /^mom: required option '--adapter-name <name>' not specified; see 'mom atlas config add-http-adapter --help'\n$/,
    )
  })
})

describe('mom atlas config generate, as a user runs it', () => {
  test('prints a configuration that add-http-adapter then edits', async () => {
    const dir = await tempDir()

    const generated = await mom([
      'atlas',
      'config',
      'generate',
      '--name',
      'my-atlas',
      '--preset',
      'production',
    ])
    await writeFile(join(dir, 'atlas.yml'), String(generated.stdout))
    const edited = await mom(add('atlas.yml'), { cwd: dir })

    expect(generated.exitCode).toBe(0)
    expect(edited.exitCode).toBe(0)
    expect(await readFile(join(dir, 'atlas.yml'), 'utf8')).toContain(
      '  adapters:\n  - adapterRef:\n',
    )
  })
})
