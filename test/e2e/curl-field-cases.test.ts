// FIELD-CASES entries for `mom curl` (11, 13, 16, 17, 18, 27), run exactly as written against the
// S0 test bed: a stand-in Atlas on a free port, MOM_BASE_URL pointing at it, MOM_TOKEN=test-token.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterAll, beforeAll, describe, expect, test } from 'vitest'

import { mom, tempDir } from '../helpers/mom.js'
import {
  GZIP_HELLO,
  startStandInAtlas,
  type ReceivedRequest,
  type StandInAtlas,
} from '../helpers/stand-in-atlas.js'

let atlas: StandInAtlas

beforeAll(async () => {
  atlas = await startStandInAtlas()
})

afterAll(async () => {
  await atlas.close()
})

/** Runs `mom curl …` in `cwd` and answers the result with the requests the stand-in received. */
async function momCurl(args: string[], options: { cwd?: string; input?: string } = {}) {
  const before = atlas.received.length
  const result = await mom(['curl', ...args], {
    cwd: options.cwd,
    input: options.input ?? '',
    env: {
      MOM_BASE_URL: atlas.url,
      MOM_TOKEN: 'test-token',
      MOM_CONFIG_DIR: '/nonexistent-mom-config',
    },
  })
  return {
    ...result,
    stdout: String(result.stdout),
    stderr: String(result.stderr),
    sent: atlas.received.slice(before),
  }
}

function header(request: ReceivedRequest, name: string): string | undefined {
  return request.headers.find(([n]) => n === name)?.[1]
}

const BODY = '{\n  "name": "heroku"\n}\n'

describe('FIELD-CASES 11: -d @file strips newlines, the other forms keep the bytes', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mom-field-11-'))
    await writeFile(join(dir, 'body.json'), BODY)
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  test('the body file is 23 bytes', async () => {
    expect((await readFile(join(dir, 'body.json'))).length).toBe(23)
  })

  test('-d @body.json sends a 20-byte form POST without the newlines', async () => {
    const r = await momCurl(['-d', '@body.json', '/v1/apis/http/stub/echo'], { cwd: dir })

    expect(r.exitCode).toBe(0)
    expect(r.sent).toHaveLength(1)
    expect(r.sent[0]!.method).toBe('POST')
    expect(header(r.sent[0]!, 'content-type')).toBe('application/x-www-form-urlencoded')
    expect(header(r.sent[0]!, 'content-length')).toBe('20')
    expect(header(r.sent[0]!, 'authorization')).toBe('Bearer test-token')
    expect(r.sent[0]!.body.toString()).toBe('{  "name": "heroku"}')
  })

  test('--data-binary @body.json sends the 23 bytes unchanged', async () => {
    const r = await momCurl(['--data-binary', '@body.json', '/v1/apis/http/stub/echo'], {
      cwd: dir,
    })

    expect(r.exitCode).toBe(0)
    expect(r.sent[0]!.body.toString()).toBe(BODY)
    expect(header(r.sent[0]!, 'authorization')).toBe('Bearer test-token')
  })

  test('--data-raw @body.json sends the literal 10 bytes', async () => {
    const r = await momCurl(['--data-raw', '@body.json', '/v1/apis/http/stub/echo'], { cwd: dir })

    expect(r.exitCode).toBe(0)
    expect(r.sent[0]!.body.toString()).toBe('@body.json')
    expect(header(r.sent[0]!, 'authorization')).toBe('Bearer test-token')
  })

  test('--json @body.json sends the 23 bytes with JSON Content-Type and Accept', async () => {
    const r = await momCurl(['--json', '@body.json', '/v1/apis/http/stub/echo'], { cwd: dir })

    expect(r.exitCode).toBe(0)
    expect(r.sent[0]!.body.toString()).toBe(BODY)
    expect(header(r.sent[0]!, 'content-type')).toBe('application/json')
    expect(header(r.sent[0]!, 'accept')).toBe('application/json')
    expect(header(r.sent[0]!, 'authorization')).toBe('Bearer test-token')
  })

  test('-d @- from a pipe sends the same 20 bytes as -d @file', async () => {
    const r = await momCurl(['-d', '@-', '/v1/apis/http/stub/echo'], { cwd: dir, input: BODY })

    expect(r.exitCode).toBe(0)
    expect(header(r.sent[0]!, 'content-type')).toBe('application/x-www-form-urlencoded')
    expect(header(r.sent[0]!, 'content-length')).toBe('20')
    expect(r.sent[0]!.body.toString()).toBe('{  "name": "heroku"}')
    expect(header(r.sent[0]!, 'authorization')).toBe('Bearer test-token')
  })
})

describe('FIELD-CASES 13: -L with -X POST on a 302', () => {
  test('(a) -X POST keeps POST for 51 requests, then exits 47', async () => {
    const r = await momCurl(['-sS', '-L', '-X', 'POST', '-d', 'x', '/v1/apis/http/stub/submit'])

    expect(r.exitCode).toBe(47)
    expect(r.sent).toHaveLength(51)
    expect(r.sent.every((s) => s.method === 'POST')).toBe(true)
    expect(r.stdout).toBe('')
    expect(r.stderr).toBe('mom: (47) Maximum (50) redirects followed\n')
  })

  test('(b) without -X the second request is a GET without a body', async () => {
    const r = await momCurl(['-sS', '-L', '-d', 'x', '/v1/apis/http/stub/submit'])

    expect(r.exitCode).toBe(0)
    expect(r.stdout).toBe('ok\n')
    expect(r.sent.map((s) => s.method)).toEqual(['POST', 'GET'])
    expect(r.sent[1]!.body.length).toBe(0)
    expect(header(r.sent[1]!, 'content-type')).toBeUndefined()
  })

  test('(c) --max-redirs 3 stops after 4 POSTs with exit 47', async () => {
    const r = await momCurl([
      '-sS',
      '-L',
      '--max-redirs',
      '3',
      '-X',
      'POST',
      '-d',
      'x',
      '/v1/apis/http/stub/submit',
    ])

    expect(r.exitCode).toBe(47)
    expect(r.sent).toHaveLength(4)
    expect(r.sent.every((s) => s.method === 'POST')).toBe(true)
    expect(r.stderr).toBe('mom: (47) Maximum (3) redirects followed\n')
  })
})

describe('FIELD-CASES 16: bundled short flags', () => {
  test('(a) -ksX POST -d k=v sends a POST with body k=v', async () => {
    const r = await momCurl(['-ksX', 'POST', '-d', 'k=v', '/v1/apis/http/stub/echo'])

    expect(r.exitCode).toBe(0)
    expect(r.sent[0]!.method).toBe('POST')
    expect(r.sent[0]!.body.toString()).toBe('k=v')
    expect(r.stderr).toBe('')
  })

  test('(b) -sSfL -o out.json is silent and writes the body to out.json', async () => {
    const dir = await tempDir()

    const r = await momCurl(['-sSfL', '-o', 'out.json', '/v1/apis/http/stub/echo'], { cwd: dir })

    expect(r.exitCode).toBe(0)
    expect(r.stdout).toBe('')
    expect(r.stderr).toBe('')
    const written = JSON.parse(await readFile(join(dir, 'out.json'), 'utf8')) as { method: string }
    expect(written.method).toBe('GET')
  })

  test('(c) -XPUT -dk=v sends a PUT with body k=v', async () => {
    const r = await momCurl(['-XPUT', '-dk=v', '/v1/apis/http/stub/echo'])

    expect(r.exitCode).toBe(0)
    expect(r.sent[0]!.method).toBe('PUT')
    expect(r.sent[0]!.body.toString()).toBe('k=v')
  })

  test('(d) -sz x is a usage error naming -z, and nothing is sent', async () => {
    const r = await momCurl(['-sz', 'x', '/v1/apis/http/stub/echo'])

    expect(r.exitCode).toBe(2)
    expect(r.sent).toHaveLength(0)
    expect(r.stdout).toBe('')
    expect(r.stderr).toBe(
      "mom: option -z is not supported by mom curl; see 'mom curl --help' for the supported flags\n",
    )
  })
})

describe('FIELD-CASES 17: a gzip download is complete', () => {
  test('--compressed writes the 18 decoded bytes and -w prints the 38 received', async () => {
    const dir = await tempDir()

    const r = await momCurl(
      [
        '-sS',
        '--compressed',
        '-o',
        'out.json',
        '-w',
        '%{size_download}\\n',
        '/v1/apis/http/stub/export',
      ],
      { cwd: dir },
    )

    expect(r.exitCode).toBe(0)
    expect(GZIP_HELLO.length).toBe(38)
    expect(r.stdout).toBe('38\n')
    expect(r.stderr).toBe('')
    expect(await readFile(join(dir, 'out.json'), 'utf8')).toBe('{"hello":"world"}\n')
    expect(header(r.sent[0]!, 'accept-encoding')).toBe('deflate, gzip, br')
  })

  test('without --compressed the gzip bytes are written unchanged and no Accept-Encoding is sent', async () => {
    const dir = await tempDir()

    const r = await momCurl(['-sS', '-o', 'raw.gz', '/v1/apis/http/stub/export'], { cwd: dir })

    expect(r.exitCode).toBe(0)
    expect(await readFile(join(dir, 'raw.gz'))).toEqual(GZIP_HELLO)
    expect(header(r.sent[0]!, 'accept-encoding')).toBeUndefined()
  })
})

describe('FIELD-CASES 18: -I together with -d', () => {
  test('is refused with one line naming both, exit 2, and nothing is sent', async () => {
    const r = await momCurl(['-I', '-d', 'x', '/v1/apis/http/stub/echo'])

    expect(r.exitCode).toBe(2)
    expect(r.sent).toHaveLength(0)
    expect(r.stdout).toBe('')
    expect(r.stderr).toBe(
      'mom: -I (HEAD) and -d (POST) cannot be combined; choose one request method\n',
    )
  })

  test('is refused the same way with the long names and -s', async () => {
    const r = await momCurl(['-s', '--head', '--data-binary', 'x', '/v1/apis/http/stub/echo'])

    expect(r.exitCode).toBe(2)
    expect(r.sent).toHaveLength(0)
    expect(r.stderr).toBe(
      'mom: --head (HEAD) and --data-binary (POST) cannot be combined; choose one request method\n',
    )
  })
})

describe('FIELD-CASES 27: several Set-Cookie headers stay apart', () => {
  test('%{header_json} holds both cookies in one array, in order', async () => {
    const r = await mom(
      [
        'curl',
        '--base-url',
        atlas.url,
        '-s',
        '-o',
        '/dev/null',
        '-w',
        '%{header_json}',
        '/v1/apis/http/stub/login',
      ],
      {
        env: { MOM_TOKEN: 'test-token' },
      },
    )

    expect(r.exitCode).toBe(0)
    expect(String(r.stdout)).toContain(
      '"set-cookie":["session=abc; Path=/; HttpOnly","prefs=dark; Expires=Wed, 21 Oct 2026 07:28:00 GMT"]',
    )
  })

  test('-i prints two separate Set-Cookie lines, byte for byte and in order', async () => {
    const r = await momCurl(['-si', '/v1/apis/http/stub/login'])

    expect(r.exitCode).toBe(0)
    expect(r.stdout).toContain(
      'Set-Cookie: session=abc; Path=/; HttpOnly\r\nSet-Cookie: prefs=dark; Expires=Wed, 21 Oct 2026 07:28:00 GMT\r\n',
    )
  })
})
