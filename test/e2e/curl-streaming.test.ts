import { stat } from 'node:fs/promises'
import { join } from 'node:path'

import { afterAll, beforeAll, expect, test } from 'vitest'

import { mom, tempDir } from '../helpers/mom.js'
import { startStandInAtlas, type StandInAtlas } from '../helpers/stand-in-atlas.js'

let atlas: StandInAtlas

beforeAll(async () => {
  atlas = await startStandInAtlas()
})

afterAll(async () => {
  await atlas.close()
})

test('streams a 16 MiB body to a file and to a pipe with every byte', async () => {
  const dir = await tempDir()
  const env = { MOM_BASE_URL: atlas.url, MOM_TOKEN: 'test-token' }

  const toFile = await mom(
    ['curl', '-sS', '-o', 'big.bin', '-w', '%{size_download}', '/v1/apis/http/stub/big/16'],
    { cwd: dir, env },
  )
  const toPipe = await mom(['curl', '-sS', '/v1/apis/http/stub/big/16'], {
    cwd: dir,
    env,
    encoding: 'buffer',
  })

  expect(toFile.exitCode).toBe(0)
  expect(String(toFile.stdout)).toBe(String(16 * 1024 * 1024))
  expect((await stat(join(dir, 'big.bin'))).size).toBe(16 * 1024 * 1024)
  expect(toPipe.exitCode).toBe(0)
  expect((toPipe.stdout as unknown as Uint8Array).length).toBe(16 * 1024 * 1024)
})

test('stops with exit 23 when the reader of stdout goes away, as curl does', async () => {
  const { execa } = await import('execa')
  const { momBin } = await import('../helpers/mom.js')

  const r = await execa(
    'bash',
    [
      '-c',
      `node "${momBin}" curl -sS /v1/apis/http/stub/big/64 | head -c 10 >/dev/null; echo "exit \${PIPESTATUS[0]}"`,
    ],
    {
      env: { MOM_BASE_URL: atlas.url, MOM_TOKEN: 'test-token' },
      reject: false,
    },
  )

  expect(r.stdout).toBe('exit 23')
  expect(r.stderr).toBe('mom: (23) Failure writing output to destination')
})
