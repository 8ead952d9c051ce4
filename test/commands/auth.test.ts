import { readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'

import { describe, expect, test } from 'vitest'

import { CredentialStore } from '../../src/auth/store.js'
import { runMom } from '../../src/main.js'
import { tempDir } from '../helpers/mom.js'
import { testContext, type TestContextOptions } from '../helpers/test-context.js'

async function mom(args: string[], dir: string, options: TestContextOptions = {}) {
  const t = testContext({ ...options, env: { MOM_CONFIG_DIR: dir, ...options.env } })
  const code = await runMom(t.ctx, args)
  return { code, stdout: t.stdout(), stderr: t.stderr() }
}

describe('mom auth login', () => {
  test('stores the token piped in with --with-token, in a 0600 file in a 0700 folder', async () => {
    const dir = join(await tempDir(), 'cfg')

    const r = await mom(
      ['auth', 'login', '--base-url', 'http://127.0.0.1:8080/', '--with-token'],
      dir,
      { stdin: 'test-token\n' },
    )

    expect(r.code).toBe(0)
    expect(r.stdout).toBe('')
    expect(r.stderr).toBe('logged in to http://127.0.0.1:8080\n')
    expect(await new CredentialStore(dir).get('http://127.0.0.1:8080')).toBe('test-token')
    expect((await stat(dir)).mode & 0o777).toBe(0o700)
    expect((await stat(join(dir, 'credentials.json'))).mode & 0o777).toBe(0o600)
  })

  test('uses MOM_BASE_URL, else the default Atlas', async () => {
    const dir = await tempDir()

    await mom(['auth', 'login', '--with-token'], dir, {
      stdin: 'test-token',
      env: { MOM_BASE_URL: 'http://127.0.0.1:9999' },
    })
    await mom(['auth', 'login', '--with-token'], dir, { stdin: 'test-token' })

    expect(await new CredentialStore(dir).list()).toEqual([
      'http://127.0.0.1:9999',
      'https://atlas.moment.dev',
    ])
  })

  test('refuses an empty token and stores nothing', async () => {
    const dir = await tempDir()

    const r = await mom(['auth', 'login', '--with-token'], dir, { stdin: '\n' })

    expect(r.code).toBe(1)
    expect(r.stderr).toBe(
      "mom: no token on standard input; pipe it in, as in 'mom auth login --with-token < token.txt'\n",
    )
    await expect(readFile(join(dir, 'credentials.json'))).rejects.toThrow()
  })

  test('without a terminal and without --with-token, says to use --with-token', async () => {
    const dir = await tempDir()

    const r = await mom(['auth', 'login'], dir, { stdin: 'test-token\n' })

    expect(r.code).toBe(1)
    expect(r.stderr).toBe(
      "mom: no terminal to ask for the token; pipe it in with 'mom auth login --base-url https://atlas.moment.dev --with-token'\n",
    )
  })

  test('refuses an invalid base URL', async () => {
    const dir = await tempDir()

    const r = await mom(['auth', 'login', '--base-url', 'ftp://x', '--with-token'], dir, {
      stdin: 'test-token',
    })

    expect(r.code).toBe(1)
    expect(r.stderr).toBe(
      'mom: invalid base URL "ftp://x"; expected an absolute http or https URL\n',
    )
    expect(r.stderr).not.toContain('test-token')
  })
})

describe('mom auth logout', () => {
  test('removes the credential, then says there is none', async () => {
    const dir = await tempDir()
    await new CredentialStore(dir).set('http://127.0.0.1:8080', 'test-token')

    const first = await mom(['auth', 'logout', '--base-url', 'http://127.0.0.1:8080'], dir)
    const second = await mom(['auth', 'logout', '--base-url', 'http://127.0.0.1:8080'], dir)

    expect(first).toEqual({ code: 0, stdout: '', stderr: 'logged out of http://127.0.0.1:8080\n' })
    expect(second).toEqual({
      code: 1,
      stdout: '',
      stderr: "mom: not logged in to http://127.0.0.1:8080; see 'mom auth status'\n",
    })
    expect(await new CredentialStore(dir).list()).toEqual([])
  })
})

describe('mom auth status', () => {
  test('lists the base URLs that have a credential, never the credential', async () => {
    const dir = await tempDir()
    await new CredentialStore(dir).set('http://127.0.0.1:8080', 'test-token')
    await new CredentialStore(dir).set('https://atlas.moment.dev', 'test-token')

    const r = await mom(['auth', 'status'], dir)

    expect(r).toEqual({
      code: 0,
      stdout: 'http://127.0.0.1:8080\nhttps://atlas.moment.dev\n',
      stderr: '',
    })
  })

  test('says so when nothing is stored', async () => {
    const r = await mom(['auth', 'status'], await tempDir())

    expect(r).toEqual({
      code: 1,
      stdout: '',
      stderr: "mom: no stored credentials; run 'mom auth login --base-url URL'\n",
    })
  })
})

describe('auth help', () => {
  test.each(['login', 'logout', 'status'])('mom auth %s --help shows examples', async (name) => {
    const r = await mom(['auth', name, '--help'], await tempDir())

    expect(r.code).toBe(0)
    expect(r.stdout).toContain('Examples:\n  # ')
    expect(r.stdout).toContain(`$ mom auth ${name}`)
  })
})

describe('mom auth login on a terminal', () => {
  test('asks for the token without echoing it', async () => {
    const dir = await tempDir()
    const { PassThrough } = await import('node:stream')
    const input = new PassThrough()
    const t = testContext({ env: { MOM_CONFIG_DIR: dir }, tty: { stdin: true, stderr: true } })
    t.ctx.stdin = input
    setTimeout(() => input.write('test-token\r'), 100)

    const code = await runMom(t.ctx, ['auth', 'login', '--base-url', 'http://127.0.0.1:8080'])

    expect(code).toBe(0)
    expect(t.stderr()).toContain('Token for http://127.0.0.1:8080:')
    expect(t.stderr()).not.toContain('test-token')
    expect(await new CredentialStore(dir).get('http://127.0.0.1:8080')).toBe('test-token')
  })
})
