import { describe, expect, test } from 'vitest'

import {
  guardPlaintextSecrets,
  isCredentialHeader,
  parseAdapterName,
  parseBaseUrl,
  parseHeaders,
} from '../../src/config/inputs.js'

describe('adapter names', () => {
  test.each(['heroku', 'github-2', 'a', '0', 'a'.repeat(63)])('accepts %s', (name) => {
    expect(parseAdapterName(name)).toBe(name)
  })

  test.each([
    ['Heroku', 'invalid --adapter-name "Heroku": may hold only lowercase letters, digits and "-"'],
    ['a'.repeat(64), `invalid --adapter-name "${'a'.repeat(64)}": is longer than 63 characters`],
    [
      '-heroku',
      'invalid --adapter-name "-heroku": must start and end with a lowercase letter or digit',
    ],
    [
      'heroku-',
      'invalid --adapter-name "heroku-": must start and end with a lowercase letter or digit',
    ],
    ['', 'invalid --adapter-name "": is empty'],
    ['my_api', 'invalid --adapter-name "my_api": may hold only lowercase letters, digits and "-"'],
  ])('refuses %j', (name, message) => {
    expect(() => parseAdapterName(name)).toThrow(message)
  })
})

describe('base URLs', () => {
  test.each([
    'https://api.heroku.com',
    'http://127.0.0.1:9000/base',
    'https://example.com/api/v1/',
    'https://example.com/a.b/.well-known/x..y',
  ])('accepts %s', (url) => {
    expect(parseBaseUrl(url)).toBe(url)
  })

  test.each([
    ['ftp://example.com', 'invalid --base-url "ftp://example.com": must use http or https'],
    ['https://example.com/?a=1', 'invalid --base-url: must not have a query'],
    ['https://example.com/?', 'invalid --base-url: must not have a query'],
    [
      'https://example.com/#top',
      'invalid --base-url "https://example.com/#top": must not have a fragment',
    ],
    ['https://user:pw@example.com', 'invalid --base-url: must not hold credentials'],
    ['/relative/path', 'invalid --base-url "/relative/path": is not an absolute URL'],
    ['api.heroku.com', 'invalid --base-url "api.heroku.com": is not an absolute URL'],
    ['https:///nohost', 'invalid --base-url "https:///nohost": must name a host'],
    ['https://a.com\\evil', 'invalid --base-url "https://a.com\\evil": must not hold a backslash'],
    ['https://a.com/v1\\x', 'invalid --base-url "https://a.com/v1\\x": must not hold a backslash'],
    [
      'https://a.com/../x',
      'invalid --base-url "https://a.com/../x": must not hold "." or ".." path segments',
    ],
    [
      'https://a.com/v1/.',
      'invalid --base-url "https://a.com/v1/.": must not hold "." or ".." path segments',
    ],
    [
      'https://a.com/%2e%2E/',
      'invalid --base-url "https://a.com/%2e%2E/": must not hold "." or ".." path segments',
    ],
    [
      'https://a.com/v1/.%2e',
      'invalid --base-url "https://a.com/v1/.%2e": must not hold "." or ".." path segments',
    ],
  ])('refuses %s', (url, message) => {
    expect(() => parseBaseUrl(url)).toThrow(message)
  })

  test('never repeats a URL whose credentials it refuses', () => {
    expect(() => parseBaseUrl('https://bob:hunter2@example.com')).toThrow(/^(?!.*hunter2)/)
  })
})

describe('header lines', () => {
  test('keeps the order given, trims the value and removes one pair of matching quotes', () => {
    expect(
      parseHeaders([
        'Authorization:   "Bearer ${{ X }}"  ',
        "Accept: 'text/plain'",
        'X-Keep: "a\'',
        'X-Twice: ""quoted""',
      ]),
    ).toEqual([
      { name: 'Authorization', value: 'Bearer ${{ X }}' },
      { name: 'Accept', value: 'text/plain' },
      { name: 'X-Keep', value: '"a\'' },
      { name: 'X-Twice', value: '"quoted"' },
    ])
  })

  test('takes the value after the first colon only', () => {
    expect(parseHeaders(['X-Time: 12:30:00'])).toEqual([{ name: 'X-Time', value: '12:30:00' }])
  })

  test('allows an empty value', () => {
    expect(parseHeaders(['X-Empty: ""', 'X-Blank:'])).toEqual([
      { name: 'X-Empty', value: '' },
      { name: 'X-Blank', value: '' },
    ])
  })

  test.each([
    [
      'Authorization: Bearer a\r\nX-Evil: 1',
      'invalid header Authorization: holds a CR, LF or NUL character',
    ],
    ['X-Nul: a\0b', 'invalid header X-Nul: holds a CR, LF or NUL character'],
    ['X-Line: a\nb', 'invalid header X-Line: holds a CR, LF or NUL character'],
    ['Bearer abc123', "invalid -H number 1: is not 'Name: value'"],
    ['Bad Name: x', 'invalid -H number 1: has a name that is not an HTTP token'],
    [': x', 'invalid -H number 1: has a name that is not an HTTP token'],
  ])('refuses %j', (line, message) => {
    expect(() => parseHeaders([line])).toThrow(message)
  })

  test('refuses the same name twice, whatever its case', () => {
    expect(() => parseHeaders(['Accept: a', 'accept: b'])).toThrow(
      'header accept is given twice (header names are case-insensitive)',
    )
  })

  test('refuses a malformed reference without showing the value', () => {
    const attempt = () => parseHeaders(['Authorization: Bearer ${{ secret-value }}'])

    expect(attempt).toThrow(/^invalid header Authorization: malformed "\$\{\{ \}\}" reference/)
    expect(attempt).not.toThrow(/secret-value/)
  })

  test('refuses an unclosed reference', () => {
    expect(() => parseHeaders(['X-Token: ${{ X'])).toThrow('invalid header X-Token: unclosed "${{"')
  })
})

describe('the secret guard', () => {
  test.each([
    'Authorization',
    'proxy-authorization',
    'Cookie',
    'X-Api-Key',
    'X-Auth-Token',
    'Client-Secret',
    'X-Password',
    'x-authentication',
  ])('treats %s as a credential header', (name) => {
    expect(isCredentialHeader(name)).toBe(true)
  })

  test.each(['Accept', 'User-Agent', 'X-Request-Id', 'Content-Type'])(
    'treats %s as an ordinary header',
    (name) => {
      expect(isCredentialHeader(name)).toBe(false)
    },
  )

  test('refuses a plaintext credential, naming the header and never the value', () => {
    const attempt = () => guardPlaintextSecrets([{ name: 'Authorization', value: 'Bearer abc123' }])

    expect(attempt).toThrow('header Authorization holds a plaintext secret')
    expect(attempt).not.toThrow(/abc123/)
  })

  test('accepts a credential written as a reference, an empty one and ordinary headers', () => {
    expect(() =>
      guardPlaintextSecrets([
        { name: 'Authorization', value: 'Bearer ${{ TOKEN }}' },
        { name: 'X-Api-Key', value: '${{KEY}}' },
        { name: 'X-Token', value: '' },
        { name: 'Accept', value: 'application/json' },
      ]),
    ).not.toThrow()
  })
})
