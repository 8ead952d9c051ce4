import { describe, expect, test } from 'vitest'

import { CurlError } from '../../src/curl/exit-codes.js'
import { parseCurlArgs } from '../../src/curl/options.js'
import {
  buildRequest,
  checkRequestOptions,
  encodeFormComponent,
  stripLines,
  type HeaderLine,
} from '../../src/curl/request.js'
import { UsageError } from '../../src/errors.js'

const files: Record<string, Buffer> = {
  'body.json': Buffer.from('{\n  "name": "heroku"\n}\n'),
  'f.txt': Buffer.from('hello\n'),
  'pic.png': Buffer.from([0x89, 0x50]),
}
const inputs = {
  readFile: async (path: string) => {
    const content = files[path]
    if (!content) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' })
    return content
  },
  readStdin: async () => Buffer.from('from stdin\n'),
}
const credential: HeaderLine = {
  name: 'Authorization',
  value: 'Bearer test-token',
  display: 'Bearer <redacted>',
}

async function build(args: string[]) {
  const opts = parseCurlArgs([...args, '/p'])
  checkRequestOptions(opts)
  return buildRequest(opts, new URL('http://127.0.0.1:8080/v1/p'), inputs, {
    userAgent: 'mom/0',
    credential,
  })
}

const lines = (headers: HeaderLine[]) => headers.map((h) => `${h.name}: ${h.value}`)

describe('buildRequest', () => {
  test('sends a GET with curl header order and the credential first among custom headers', async () => {
    const plan = await build(['-H', 'X-A: 1'])

    expect(plan.method).toBe('GET')
    expect(lines(plan.headers)).toEqual([
      'Host: 127.0.0.1:8080',
      'User-Agent: mom/0',
      'Accept: */*',
      'Authorization: Bearer test-token',
      'X-A: 1',
    ])
  })

  test('replaces, removes and empties headers the way -H does', async () => {
    const plan = await build([
      '-H',
      'Accept: text/x',
      '-H',
      'User-Agent:',
      '-H',
      'X-Empty;',
      '-H',
      'Host: example.test',
    ])

    expect(lines(plan.headers)).toEqual([
      'Host: example.test',
      'Authorization: Bearer test-token',
      'Accept: text/x',
      'X-Empty: ',
    ])
  })

  test('places -A, -e, -b and --compressed where curl does', async () => {
    const plan = await build([
      '-b',
      'a=1; b=2',
      '-b',
      'c=3',
      '-e',
      'http://ref/',
      '-A',
      'agent/1',
      '--compressed',
    ])

    expect(lines(plan.headers)).toEqual([
      'Host: 127.0.0.1:8080',
      'User-Agent: agent/1',
      'Accept: */*',
      'Accept-Encoding: deflate, gzip, br',
      'Referer: http://ref/',
      'Cookie: a=1; b=2;c=3',
      'Authorization: Bearer test-token',
    ])
  })

  test('drops User-Agent for -A ""', async () => {
    expect(lines((await build(['-A', ''])).headers)).not.toContain('User-Agent: ')
  })

  test('POSTs several -d joined with & as a form', async () => {
    const plan = await build(['-d', 'a=1', '-d', 'b=2'])

    expect(plan.method).toBe('POST')
    expect(plan.body?.toString()).toBe('a=1&b=2')
    expect(lines(plan.headers).slice(-2)).toEqual([
      'Content-Length: 7',
      'Content-Type: application/x-www-form-urlencoded',
    ])
  })

  test('strips newlines from -d @file and keeps --data-binary @file exact (FIELD-CASES 11)', async () => {
    expect((await build(['-d', '@body.json'])).body?.toString()).toBe('{  "name": "heroku"}')
    expect((await build(['--data-binary', '@body.json'])).body).toEqual(files['body.json'])
    expect((await build(['--data-raw', '@body.json'])).body?.toString()).toBe('@body.json')
  })

  test('reads @- from standard input once', async () => {
    expect((await build(['--data-binary', '@-'])).body?.toString()).toBe('from stdin\n')
    expect((await build(['--data-binary', '@-', '--data-binary', '@-'])).body?.toString()).toBe(
      'from stdin\n&',
    )
  })

  test('encodes the five --data-urlencode forms as curl does', async () => {
    const plan = await build([
      '--data-urlencode',
      'a b',
      '--data-urlencode',
      '=c d&',
      '--data-urlencode',
      'n=v w&',
      '--data-urlencode',
      'n@f.txt',
      '--data-urlencode',
      '@f.txt',
    ])

    expect(plan.body?.toString()).toBe('a+b&c+d%26&n=v+w%26&n=hello%0A&hello%0A')
  })

  test('sends --json bytes exactly with JSON Content-Type and Accept after the custom headers', async () => {
    const plan = await build(['--json', '@body.json', '-H', 'X-B: 1', '--json', '[2]'])

    expect(plan.body?.toString()).toBe('{\n  "name": "heroku"\n}\n[2]')
    expect(lines(plan.headers).slice(2)).toEqual([
      'Authorization: Bearer test-token',
      'X-B: 1',
      'Content-Type: application/json',
      'Accept: application/json',
      'Content-Length: 26',
    ])
  })

  test('lets a custom Content-Type win over --json', async () => {
    const plan = await build(['-H', 'Content-Type: text/x', '--json', '{}'])

    expect(lines(plan.headers)).toContain('Content-Type: text/x')
    expect(lines(plan.headers)).not.toContain('Content-Type: application/json')
  })

  test('moves the data into the query with -G', async () => {
    const opts = parseCurlArgs(['-G', '-d', 'a=1', '-d', 'b=2', '/p'])
    const plan = await buildRequest(opts, new URL('http://h/p?x=1'), inputs, { userAgent: 'u' })

    expect(plan.method).toBe('GET')
    expect(plan.body).toBeUndefined()
    expect(plan.query).toBe('?x=1&a=1&b=2')
  })

  test('builds multipart/form-data in curl layout', async () => {
    const plan = await build([
      '-F',
      'a=1',
      '-F',
      'b=@f.txt',
      '-F',
      'c=<f.txt',
      '-F',
      'd=@pic.png;type=image/x',
      '-F',
      'e=@pic.png',
      '--form-string',
      'g=@x;type=y',
    ])
    const type = plan.headers.find((h) => h.name === 'Content-Type')!.value
    const boundary = /^multipart\/form-data; boundary=(-{24}[0-9a-f]{16})$/.exec(type)![1]!

    expect(plan.body?.toString('latin1').split(boundary).join('B')).toBe(
      '--B\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n' +
        '--B\r\nContent-Disposition: form-data; name="b"; filename="f.txt"\r\nContent-Type: text/plain\r\n\r\nhello\n\r\n' +
        '--B\r\nContent-Disposition: form-data; name="c"\r\n\r\nhello\n\r\n' +
        '--B\r\nContent-Disposition: form-data; name="d"; filename="pic.png"\r\nContent-Type: image/x\r\n\r\n\x89P\r\n' +
        '--B\r\nContent-Disposition: form-data; name="e"; filename="pic.png"\r\nContent-Type: image/png\r\n\r\n\x89P\r\n' +
        '--B\r\nContent-Disposition: form-data; name="g"\r\n\r\n@x;type=y\r\n' +
        '--B--\r\n',
    )
  })

  test('answers curl exit 26 for an unreadable @file', async () => {
    await expect(build(['-F', 'a=@missing'])).rejects.toEqual(new CurlError(26))
    await expect(build(['-d', '@missing'])).rejects.toEqual(new CurlError(26))
  })

  test('sends HEAD for -I and lets -X name the method', async () => {
    expect((await build(['-I'])).method).toBe('HEAD')
    expect((await build(['-X', 'PUT', '-d', 'x'])).method).toBe('PUT')
    expect((await build(['-X', 'PUT', '-d', 'x'])).methodForced).toBe(true)
  })
})

describe('checkRequestOptions', () => {
  test.each([
    [['-I', '-d', 'x'], '-I (HEAD) and -d (POST) cannot be combined'],
    [['-I', '-F', 'a=1'], '-I (HEAD) and -F (multipart form) cannot be combined'],
    [['-d', 'x', '-F', 'a=1'], '-d (POST) and -F (multipart form) cannot be combined'],
    [['-G', '-F', 'a=1'], '-G (GET) and -F (multipart form) cannot be combined'],
  ])('refuses %j before anything is sent', (args, message) => {
    expect(() => checkRequestOptions(parseCurlArgs([...args, '/p']))).toThrow(UsageError)
    expect(() => checkRequestOptions(parseCurlArgs([...args, '/p']))).toThrow(message)
  })

  test('allows -I with -G -d, which sends HEAD with a query', () => {
    expect(() => checkRequestOptions(parseCurlArgs(['-I', '-G', '-d', 'a=1', '/p']))).not.toThrow()
  })

  test('refuses no path and several paths', () => {
    expect(() => checkRequestOptions(parseCurlArgs(['-s']))).toThrow('no path given')
    expect(() => checkRequestOptions(parseCurlArgs(['/a', '/b']))).toThrow(
      'one path per request, got 2',
    )
  })
})

describe('curl byte rules', () => {
  test('stripLines keeps each line up to its first CR, LF or NUL', () => {
    expect(stripLines(Buffer.from('a\0b\nc\r\nd\0e\0f\ng')).toString()).toBe('acdg')
    expect(stripLines(Buffer.from('a\rb\nc')).toString()).toBe('ac')
  })

  test('encodeFormComponent escapes all but unreserved bytes and writes a space as +', () => {
    expect(encodeFormComponent(Buffer.from("a b&c=d~e.f_g-h!*'()/é"))).toBe(
      'a+b%26c%3Dd~e.f_g-h%21%2A%27%28%29%2F%C3%A9',
    )
  })
})

describe('-G puts the data in the query as curl does', () => {
  test('the bytes go as given: UTF-8 stays UTF-8, quotes and brackets stay unencoded', async () => {
    const plan = await build(['-G', '-d', 'b=é', '-d', 'c="<>"'])
    expect(Buffer.from(plan.query!, 'latin1')).toEqual(Buffer.from('?b=é&c="<>"'))
  })

  test('a space or control byte in the query is a malformed URL (exit 3)', async () => {
    for (const data of ['b=x y', 'b=\r', 'b=\0', 'b=\x7f']) {
      await expect(build(['-G', '-d', data])).rejects.toMatchObject({ exitCode: 3 })
    }
  })
})
