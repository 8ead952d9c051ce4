import { describe, expect, test } from 'vitest'

import {
  formatHeaderBlock,
  formatHeaderJson,
  formatVerboseRequest,
  formatWriteOut,
  type TransferInfo,
} from '../../src/curl/output.js'
import { prettyJson } from '../../src/curl/pretty.js'

const info: TransferInfo = {
  httpCode: 200,
  contentType: 'application/json',
  sizeDownload: 38,
  sizeHeader: 120,
  sizeUpload: 0,
  timeTotal: 0.0123456,
  urlEffective: 'http://127.0.0.1:8080/v1/apis',
  headers: [
    ['Content-Type', 'application/json'],
    ['Set-Cookie', 'session=abc; Path=/; HttpOnly'],
    ['Set-Cookie', 'prefs=dark; Expires=Wed, 21 Oct 2026 07:28:00 GMT'],
    ['X-Quote', 'say "hi"'],
  ],
  numRedirects: 1,
  method: 'GET',
  exitCode: 0,
  errorMessage: '',
  redirectUrl: '',
  remoteIp: '127.0.0.1',
  remotePort: '8080',
  scheme: 'HTTP',
  url: 'http://127.0.0.1:8080/v1/start',
  sizeRequest: 95,
}

const text = (format: string, i = info) =>
  formatWriteOut(format, i)
    .pieces.map((p) => `[${p.stream}]${p.text}`)
    .join('')

describe('formatWriteOut', () => {
  test('expands the variables SPEC section 5 names', () => {
    expect(
      text(
        '%{http_code} %{response_code} %{content_type} %{size_download} %{time_total} %{url_effective}',
      ),
    ).toBe('[stdout]200 200 application/json 38 0.012346 http://127.0.0.1:8080/v1/apis')
  })

  test('prints 000 when there was no response', () => {
    expect(text('%{http_code}', { ...info, httpCode: 0 })).toBe('[stdout]000')
  })

  test('turns \\n, \\r and \\t into characters, keeps other backslash pairs and reads %%', () => {
    expect(text('a\\nb\\rc\\td\\\\e\\x%%f%')).toBe('[stdout]a\nb\rc\td\\\\e\\x%f%')
  })

  test('switches streams with %{stderr} and %{stdout}', () => {
    expect(text('a%{stderr}b%{stdout}c')).toBe('[stdout]a[stderr]b[stdout]c')
  })

  test('warns about an unknown variable and prints nothing for it', () => {
    expect(formatWriteOut('x%{nope}y', info)).toEqual({
      pieces: [{ stream: 'stdout', text: 'xy' }],
      warnings: ["unknown --write-out variable: 'nope'"],
    })
  })
})

describe('formatHeaderJson', () => {
  test('writes lower-case names, arrays for every value, repeated headers together, in order (FIELD-CASES 27)', () => {
    expect(formatHeaderJson(info.headers)).toBe(
      '{"content-type":["application/json"],\n' +
        '"set-cookie":["session=abc; Path=/; HttpOnly","prefs=dark; Expires=Wed, 21 Oct 2026 07:28:00 GMT"],\n' +
        '"x-quote":["say \\"hi\\""]\n}',
    )
  })

  test('writes an empty object as curl does', () => {
    expect(formatHeaderJson([])).toBe('{\n}')
  })
})

describe('header and verbose output', () => {
  test('writes the status line and headers with CRLF and a blank line', () => {
    const block = formatHeaderBlock({
      statusCode: 404,
      statusText: 'Not Found',
      httpVersion: '1.1',
      headers: [
        ['X-A', '1'],
        ['x-b', '2'],
      ],
    })

    expect(block).toBe('HTTP/1.1 404 Not Found\r\nX-A: 1\r\nx-b: 2\r\n\r\n')
  })

  test('shows any Authorization value redacted, keeping the scheme', () => {
    const out = formatVerboseRequest('GET', '/p?q=1', [
      { name: 'Host', value: 'h' },
      { name: 'Authorization', value: 'Bearer test-token', display: 'Bearer <redacted>' },
      { name: 'authorization', value: 'Basic dXNlcjpwYXNz' },
    ])

    expect(out).toBe(
      '> GET /p?q=1 HTTP/1.1\r\n> Host: h\r\n> Authorization: Bearer <redacted>\r\n> authorization: Basic <redacted>\r\n> \r\n',
    )
  })
})

describe('prettyJson', () => {
  const plain = {
    key: (t: string) => t,
    string: (t: string) => t,
    number: (t: string) => t,
    literal: (t: string) => t,
    punctuation: (t: string) => t,
  }

  test('indents JSON by two spaces and ends with a newline', () => {
    expect(prettyJson('{"a":[1,"x",null],"b":{},"c":[]}', plain)).toBe(
      '{\n  "a": [\n    1,\n    "x",\n    null\n  ],\n  "b": {},\n  "c": []\n}\n',
    )
  })

  test('paints each kind of token', () => {
    const paint = {
      ...plain,
      key: (t: string) => `<k>${t}`,
      string: (t: string) => `<s>${t}`,
      number: (t: string) => `<n>${t}`,
      literal: (t: string) => `<l>${t}`,
    }

    expect(prettyJson('{"a":"b","c":1,"d":true}', paint)).toBe(
      '{\n  <k>"a": <s>"b",\n  <k>"c": <n>1,\n  <k>"d": <l>true\n}\n',
    )
  })

  test('answers undefined for text that is not JSON', () => {
    expect(prettyJson('not json', plain)).toBeUndefined()
  })
})

describe('--write-out beyond the common variables (curl 7.88.1)', () => {
  test('%header{name} is the first header of that name in any case, empty when absent', () => {
    expect(text('%header{set-cookie}|%header{CONTENT-TYPE}|%header{nope}|')).toBe(
      '[stdout]session=abc; Path=/; HttpOnly|application/json||',
    )
  })

  test('an unterminated %header{ is printed as written', () => {
    expect(text('%header{content-type')).toBe('[stdout]%header{content-type')
  })

  test('%{num_headers}, %{size_request}, %{urlnum} and %{url}', () => {
    expect(text('%{num_headers} %{size_request} %{urlnum} %{url}')).toBe(
      '[stdout]4 95 0 http://127.0.0.1:8080/v1/start',
    )
  })

  test('only \\n, \\r and \\t are escapes; a tab alone is a tab', () => {
    expect(text('\\t')).toBe('[stdout]\t')
    expect(text('\\a\\b\\f\\v\\\\')).toBe('[stdout]\\a\\b\\f\\v\\\\')
  })

  test('%{json} lists the known variables in curl order with curl types', () => {
    const failed = {
      ...info,
      httpCode: 0,
      headers: [],
      contentType: '',
      remoteIp: '',
      remotePort: '',
      exitCode: 7,
      errorMessage: 'x',
      timeTotal: 0.5,
    }
    expect(text('%{json}', failed)).toBe(
      '[stdout]{"content_type":null,"errormsg":"x","exitcode":7,"http_code":0,"http_version":"0","method":"GET","num_headers":0,"num_redirects":1,"redirect_url":null,"remote_ip":"","remote_port":0,"response_code":0,"scheme":null,"size_download":38,"size_header":120,"size_request":95,"size_upload":0,"time_total":0.500000,"url":"http://127.0.0.1:8080/v1/start","url_effective":"http://127.0.0.1:8080/v1/apis","urlnum":0}',
    )
  })
})
