import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'

import { Agent, request } from 'undici'
import { describe, expect, test } from 'vitest'

import { type RunOptions, runCommand } from '../../src/commands/atlas/run.js'
import { runMom } from '../../src/main.js'
import { tempDir } from '../helpers/mom.js'
import { testContext } from '../helpers/test-context.js'
import { r0Config, startUpstream } from '../proxy/harness.js'

describe('mom atlas run: parsing', () => {
  test('passes the flags and their defaults to the run function', async () => {
    const t = testContext()
    const seen: RunOptions[] = []
    const command = runCommand(t.ctx, async (opts) => void seen.push(opts)).exitOverride()

    await command.parseAsync(['-f', 'atlas.yml'], { from: 'user' })
    await command.parseAsync(
      ['-f', 'a.yml', '--host', '::1', '--port', '0', '--token', 'tk', '--upstream-timeout', '2.5'],
      { from: 'user' },
    )

    expect(seen[0]).toEqual({
      file: 'atlas.yml',
      host: '127.0.0.1',
      port: '8080',
      upstreamTimeout: '30',
    })
    expect(seen[1]).toEqual({
      file: 'a.yml',
      host: '::1',
      port: '0',
      token: 'tk',
      upstreamTimeout: '2.5',
    })
  })
})

describe('mom atlas run: behaviour', () => {
  test('serves until the context is stopped, then returns 0', async () => {
    const upstream = await startUpstream((_req, res) => res.end('pong'))
    const dir = await tempDir()
    await writeFile(join(dir, 'atlas.yml'), r0Config(`${upstream.origin}/base`))
    const t = testContext({ cwd: dir, env: { STUB_KEY: 'k-123' } })

    const running = runMom(t.ctx, [
      'atlas',
      'run',
      '-f',
      'atlas.yml',
      '--port',
      '0',
      '--token',
      'test-token',
    ])
    let origin: string | undefined
    while (!origin) {
      origin = /listening on (\S+) /.exec(t.stderr())?.[1]
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
    const dispatcher = new Agent()
    const response = await request(`${origin}/v1/apis/http/stub/ping`, {
      dispatcher,
      headers: { authorization: 'Bearer test-token' },
    })
    const body = await response.body.text()
    await dispatcher.close()
    t.stop('SIGTERM')
    const code = await running

    expect(body).toBe('pong')
    expect(code).toBe(0)
    expect(upstream.received[0]!.headers['x-upstream-key']).toEqual(['k-123'])
    expect(t.stderr()).toMatch(
      /\nGET stub \/v1\/apis\/http\/stub\/ping 200 [\d.]+ms\natlas stopped on SIGTERM\n$/,
    )
    expect(t.stderr()).not.toContain('k-123')
  })
})
