import { readFile, stat, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { join } from 'node:path'

import { Agent, request } from 'undici'
import { describe, expect, test } from 'vitest'

import { copyFixture, mom, tempDir } from '../helpers/mom.js'
import { r0Config, startUpstream } from '../proxy/harness.js'

const SECRET = 'k-123'
const LISTENING = /listening on (http:\/\/127\.0\.0\.1:(\d+))/

/** Starts `mom atlas run` and waits for its status line; `stop` signals it and awaits the exit. */
async function startMom(args: string[], options: { cwd: string; env: Record<string, string> }) {
  const child = mom(['atlas', 'run', ...args], { cwd: options.cwd, env: options.env })
  let stderr = ''
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const origin = await new Promise<string>((resolve, reject) => {
    const check = () => {
      const match = LISTENING.exec(stderr)
      if (match) resolve(match[1]!)
    }
    child.stderr!.on('data', check)
    void child.then((result) => reject(new Error(`mom exited ${result.exitCode}: ${stderr}`)))
  })
  return {
    origin,
    stderr: () => stderr,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      child.kill(signal)
      const result = await child
      return { exitCode: result.exitCode, stderr }
    },
  }
}

async function get(url: string, token = 'test-token') {
  const dispatcher = new Agent()
  try {
    const response = await request(url, {
      dispatcher,
      headers: { authorization: `Bearer ${token}` },
    })
    return { status: response.statusCode, body: await response.body.text() }
  } finally {
    await dispatcher.close()
  }
}

describe('mom atlas run', () => {
  test('refuses to start, naming every missing environment variable, and exits 1', async () => {
    const dir = await tempDir()
    const source = r0Config('http://127.0.0.1:9/base', [
      { name: 'other', baseUrl: 'http://127.0.0.1:9' },
    ]).replace(
      'baseUrl: http://127.0.0.1:9\n',
      'baseUrl: http://127.0.0.1:9\n  headers:\n  - name: Authorization\n    value: Bearer ${{ OTHER_TOKEN }}\n',
    )
    await writeFile(join(dir, 'atlas.yml'), source)

    const result = await mom(
      ['atlas', 'run', '-f', 'atlas.yml', '--port', '0', '--token', 'test-token'],
      { cwd: dir },
    )

    expect(result.exitCode).toBe(1)
    expect(result.stderr).toBe(
      'mom: atlas.yml: missing environment variables STUB_KEY, OTHER_TOKEN; set them before starting; the file references them as ${{ NAME }}\n',
    )
    expect(await readFile(join(dir, 'atlas.yml'), 'utf8')).toBe(source)
  })

  test('serves the adapters, logs each request, and stops with exit 0 on SIGTERM', async () => {
    const upstream = await startUpstream((_req, res) => res.end('{"id":1}'))
    const dir = await tempDir()
    await writeFile(join(dir, 'atlas.yml'), r0Config(`${upstream.origin}/base`))

    const atlas = await startMom(['-f', 'atlas.yml', '--port', '0', '--token', 'test-token'], {
      cwd: dir,
      env: { STUB_KEY: SECRET, MOM_CONFIG_DIR: join(dir, 'config') },
    })
    const response = await get(`${atlas.origin}/v1/apis/http/stub/account?x=1`)
    const stopped = await atlas.stop('SIGTERM')

    expect(response).toEqual({ status: 200, body: '{"id":1}' })
    expect(
      upstream.received.map((r) => [r.url, r.headers['x-upstream-key'], r.headers.authorization]),
    ).toEqual([['/base/account?x=1', [SECRET], undefined]])
    expect(stopped.exitCode).toBe(0)
    const lines = stopped.stderr.split('\n')
    expect(lines[0]).toBe(
      `atlas local listening on ${atlas.origin} (adapters: stub); token from --token`,
    )
    expect(lines[1]).toMatch(/^GET stub \/v1\/apis\/http\/stub\/account 200 [\d.]+ms$/)
    expect(lines.slice(2)).toEqual(['atlas stopped on SIGTERM', ''])
    expect(stopped.stderr).not.toContain(SECRET)
  })

  test('generates a token, saves it for the instance URL, never prints it, and stops on SIGINT', async () => {
    const upstream = await startUpstream()
    const dir = await tempDir()
    const configDir = join(dir, 'config')
    await writeFile(join(dir, 'atlas.yml'), r0Config(`${upstream.origin}/base`))

    const atlas = await startMom(['-f', 'atlas.yml', '--port', '0'], {
      cwd: dir,
      env: { STUB_KEY: SECRET, MOM_CONFIG_DIR: configDir },
    })
    const store = JSON.parse(await readFile(join(configDir, 'credentials.json'), 'utf8'))
    const token: string = store.credentials[atlas.origin].token
    const withToken = await get(`${atlas.origin}/v1/apis`, token)
    const stopped = await atlas.stop('SIGINT')

    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(withToken.status).toBe(200)
    expect((await stat(join(configDir, 'credentials.json'))).mode & 0o777).toBe(0o600)
    expect((await stat(configDir)).mode & 0o777).toBe(0o700)
    expect(stopped.exitCode).toBe(0)
    expect(stopped.stderr.split('\n')[0]).toBe(
      `atlas local listening on ${atlas.origin} (adapters: stub); token saved for mom curl in ${join(configDir, 'credentials.json')}`,
    )
    expect(stopped.stderr).not.toContain(token)
    expect(stopped.stderr).not.toContain(SECRET)
  })

  test('serves the seed file once every variable it references is set, warning about the kinds it skips', async () => {
    const dir = await copyFixture('seed-heroku')

    const atlas = await startMom(['-f', 'atlas.yml', '--port', '0', '--token', 'test-token'], {
      cwd: dir,
      env: { GITHUB_TOKEN: 'gh-secret', AUTH0_CLIENT_ID: 'client-id', MOM_CONFIG_DIR: join(dir, 'config') },
    })
    const listing = await get(`${atlas.origin}/v1/apis`)
    const stopped = await atlas.stop()

    expect(JSON.parse(listing.body).apis.map((a: { name: string }) => a.name)).toEqual([
      'github',
      'github-2',
    ])
    expect(stopped.exitCode).toBe(0)
    expect(stopped.stderr.split('\n').slice(0, 2)).toEqual([
      'mom: warning: adapter "aws" is of kind AWS, which mom atlas run does not serve; skipping it',
      `atlas my-atlas listening on ${atlas.origin} (adapters: github, github-2); token from --token`,
    ])
    expect(stopped.stderr).not.toContain('gh-secret')
  })

  test('takes the token from MOM_ATLAS_TOKEN', async () => {
    const dir = await tempDir()
    await writeFile(join(dir, 'atlas.yml'), r0Config('http://127.0.0.1:9/base'))

    const atlas = await startMom(['-f', 'atlas.yml', '--port', '0'], {
      cwd: dir,
      env: { STUB_KEY: SECRET, MOM_ATLAS_TOKEN: 'env-token', MOM_CONFIG_DIR: join(dir, 'config') },
    })
    const right = await get(`${atlas.origin}/v1/apis`, 'env-token')
    const wrong = await get(`${atlas.origin}/v1/apis`, 'test-token')
    const stopped = await atlas.stop()

    expect([right.status, wrong.status]).toEqual([200, 401])
    expect(stopped.stderr.split('\n')[0]).toMatch(/; token from MOM_ATLAS_TOKEN$/)
    expect(stopped.exitCode).toBe(0)
    expect(stopped.stderr).not.toContain('env-token')
  })

  test.each([
    [['--port', 'abc'], 'mom: invalid --port "abc"; expected a number from 0 to 65535\n'],
    [['--port', '70000'], 'mom: invalid --port "70000"; expected a number from 0 to 65535\n'],
    [
      ['--upstream-timeout', '0'],
      'mom: invalid --upstream-timeout "0"; expected a number of seconds above 0\n',
    ],
    [['--token', 'has space'], 'mom: the token must be non-empty printable ASCII without spaces\n'],
  ])('refuses %j with exit 1', async (flags, expected) => {
    const dir = await tempDir()
    await writeFile(join(dir, 'atlas.yml'), r0Config('http://127.0.0.1:9/base'))

    const result = await mom(['atlas', 'run', '-f', 'atlas.yml', ...flags], {
      cwd: dir,
      env: { STUB_KEY: SECRET },
    })

    expect(result.exitCode).toBe(1)
    expect(result.stderr).toBe(expected)
  })

  test('exits 2 without -f', async () => {
    const result = await mom(['atlas', 'run'])

    expect(result.exitCode).toBe(2)
    expect(result.stderr).toBe(
      "mom: required option '-f, --file <path>' not specified; see 'mom atlas run --help'\n",
    )
  })

  test('refuses a missing file', async () => {
    const dir = await tempDir()

    const result = await mom(['atlas', 'run', '-f', 'atlas.yml', '--port', '0'], { cwd: dir })

    expect(result.exitCode).toBe(1)
    expect(result.stderr).toBe('mom: atlas.yml: no such file\n')
  })

  test('refuses a port already in use', async () => {
    const dir = await tempDir()
    await writeFile(join(dir, 'atlas.yml'), r0Config('http://127.0.0.1:9/base'))
    const blocker = createServer()
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve()))
    const port = (blocker.address() as { port: number }).port

    const result = await mom(
      ['atlas', 'run', '-f', 'atlas.yml', '--port', String(port), '--token', 'test-token'],
      { cwd: dir, env: { STUB_KEY: SECRET } },
    )
    blocker.close()

    expect(result.exitCode).toBe(1)
    expect(result.stderr).toBe(`mom: cannot listen on 127.0.0.1:${port}: address already in use\n`)
  })
})
