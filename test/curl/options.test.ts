import { describe, expect, test } from 'vitest'

import { UsageError } from '../../src/errors.js'
import { CURL_OPTIONS, parseCurlArgs } from '../../src/curl/options.js'

function refusal(args: string[]): UsageError {
  try {
    parseCurlArgs(args)
  } catch (error) {
    if (error instanceof UsageError) return error
    throw error
  }
  throw new Error('expected a usage error')
}

describe('the curl option table', () => {
  test('holds every flag SPEC section 5 lists, with curl short letters', () => {
    const shorts = Object.fromEntries(
      CURL_OPTIONS.filter((o) => o.short).map((o) => [o.long, o.short]),
    )

    expect(shorts).toMatchObject({
      request: 'X',
      header: 'H',
      data: 'd',
      get: 'G',
      form: 'F',
      head: 'I',
      include: 'i',
      output: 'o',
      'dump-header': 'D',
      silent: 's',
      'show-error': 'S',
      verbose: 'v',
      fail: 'f',
      location: 'L',
      'max-time': 'm',
      'write-out': 'w',
      'user-agent': 'A',
      referer: 'e',
      cookie: 'b',
      insecure: 'k',
    })
    const longs = CURL_OPTIONS.map((o) => o.long)
    for (const long of [
      'data-raw',
      'data-binary',
      'data-urlencode',
      'json',
      'fail-with-body',
      'max-redirs',
      'connect-timeout',
      'compressed',
      'cacert',
      'retry',
    ]) {
      expect(longs).toContain(long)
    }
  })

  test('has no letter or name twice', () => {
    const shorts = CURL_OPTIONS.flatMap((o) => (o.short ? [o.short] : []))
    const longs = CURL_OPTIONS.map((o) => o.long)

    expect(new Set(shorts).size).toBe(shorts.length)
    expect(new Set(longs).size).toBe(longs.length)
  })
})

describe('parseCurlArgs', () => {
  test('splits -ksX POST, giving the last letter the next argument (FIELD-CASES 16a)', () => {
    const opts = parseCurlArgs(['-ksX', 'POST', '-d', 'k=v', '/p'])

    expect(opts).toMatchObject({ insecure: true, silent: true, method: 'POST', urls: ['/p'] })
    expect(opts.data).toEqual([{ kind: 'data', value: 'k=v' }])
  })

  test('splits -sSfL and reads -o out.json (FIELD-CASES 16b)', () => {
    const opts = parseCurlArgs(['-sSfL', '-o', 'out.json', '/p'])

    expect(opts).toMatchObject({
      silent: true,
      showError: true,
      fail: true,
      location: true,
      output: 'out.json',
    })
  })

  test('reads inline values -XPUT and -dk=v (FIELD-CASES 16c)', () => {
    const opts = parseCurlArgs(['-XPUT', '-dk=v', '/p'])

    expect(opts.method).toBe('PUT')
    expect(opts.data).toEqual([{ kind: 'data', value: 'k=v' }])
  })

  test('refuses -z inside a group by name (FIELD-CASES 16d)', () => {
    const error = refusal(['-sz', 'x', '/p'])

    expect(error.exitCode).toBe(2)
    expect(error.toLine()).toBe(
      "option -z is not supported by mom curl; see 'mom curl --help' for the supported flags",
    )
  })

  test('refuses an unknown long option by name', () => {
    expect(refusal(['--proxy', 'http://x', '/p']).message).toBe(
      'option --proxy is not supported by mom curl',
    )
  })

  test('refuses --name=value as curl does', () => {
    expect(refusal(['--request=PUT', '/p']).toLine()).toBe(
      'option --request=PUT is unknown; write --request and its value as two arguments',
    )
  })

  test('takes a value that starts with a dash, as curl does', () => {
    expect(parseCurlArgs(['-d', '-x', '/p']).data).toEqual([{ kind: 'data', value: '-x' }])
    expect(parseCurlArgs(['-H', '-', '/p']).headers).toEqual(['-'])
  })

  test('refuses a value-taking flag at the end of the line', () => {
    expect(refusal(['/p', '-X']).message).toBe('option -X requires a value')
  })

  test('keeps the order of mixed data flags and repeated headers', () => {
    const opts = parseCurlArgs([
      '-d',
      'a',
      '--data-binary',
      'b',
      '--data-urlencode',
      'c d',
      '--json',
      '{}',
      '--data-raw',
      '@e',
      '--data-ascii',
      'f',
      '-H',
      'A: 1',
      '-H',
      'B: 2',
      '/p',
    ])

    expect(opts.data).toEqual([
      { kind: 'data', value: 'a' },
      { kind: 'binary', value: 'b' },
      { kind: 'urlencode', value: 'c d' },
      { kind: 'json', value: '{}' },
      { kind: 'raw', value: '@e' },
      { kind: 'data', value: 'f' },
    ])
    expect(opts.headers).toEqual(['A: 1', 'B: 2'])
  })

  test('takes options after the path and a path after --', () => {
    expect(parseCurlArgs(['/p', '-i']).include).toBe(true)
    expect(parseCurlArgs(['--', '-weird']).urls).toEqual(['-weird'])
  })

  test('reads numbers for --max-redirs, -m, --connect-timeout and --retry', () => {
    const opts = parseCurlArgs([
      '--max-redirs',
      '3',
      '-m',
      '0.5',
      '--connect-timeout',
      '2',
      '--retry',
      '4',
      '/p',
    ])

    expect(opts).toMatchObject({ maxRedirs: 3, maxTime: 0.5, connectTimeout: 2, retry: 4 })
    expect(parseCurlArgs(['/p']).maxRedirs).toBe(50)
  })

  test('refuses a bad number in curl words', () => {
    expect(refusal(['-m', 'soon', '/p']).message).toBe(
      'option -m: expected a proper numerical parameter',
    )
  })

  test('refuses the cookie-file form of -b', () => {
    expect(refusal(['-b', 'cookies.txt', '/p']).code).toBe('COOKIE_FILE')
  })

  test('remembers which flag set the body and the method, for error messages', () => {
    const opts = parseCurlArgs(['--head', '--json', '{}', '-F', 'a=1', '/p'])

    expect(opts).toMatchObject({ headFlag: '--head', dataFlag: '--json', formFlag: '-F' })
  })

  test("reads mom's own flags in the same pass", () => {
    const opts = parseCurlArgs(['--base-url', 'http://127.0.0.1:1', '--token', 't', '--raw', '-h'])

    expect(opts).toMatchObject({ baseUrl: 'http://127.0.0.1:1', token: 't', raw: true, help: true })
  })
})

test('every option in the table changes what is parsed', () => {
  const empty = parseCurlArgs([])
  const samples: Record<string, string> = {
    'max-redirs': '3',
    'max-time': '2',
    'connect-timeout': '2',
    retry: '2',
    'retry-delay': '2',
    cookie: 'a=1',
  }

  for (const spec of CURL_OPTIONS) {
    if (spec.long === 'no-progress-meter') continue
    const args = spec.value ? [`--${spec.long}`, samples[spec.long] ?? 'v'] : [`--${spec.long}`]
    expect(parseCurlArgs(args), spec.long).not.toEqual(empty)
  }
})

test('reads an unambiguous start of a long option, as curl does', () => {
  const opts = parseCurlArgs(['--verb', '--max-t', '1', '--sil', '/p'])

  expect(opts).toMatchObject({ verbose: true, maxTime: 1, silent: true, urls: ['/p'] })
})

test('refuses an ambiguous start of a long option', () => {
  expect(refusal(['--data-b', 'x', '--re', 'x', '/p']).toLine()).toBe(
    'option --re is ambiguous; it could be --request, --referer, --retry, --retry-delay',
  )
})

test('does not expand a value that looks like an option', () => {
  expect(parseCurlArgs(['-d', '--verb', '/p']).data).toEqual([{ kind: 'data', value: '--verb' }])
})

describe('numbers read as curl 7.88.1 reads them', () => {
  const message = (args: string[]) => {
    try {
      parseCurlArgs([...args, '/p'])
    } catch (error) {
      return (error as Error).message
    }
    return 'accepted'
  }

  test('a count below zero is not positive, a word or fraction is not a number', () => {
    expect(message(['--retry', '-1'])).toBe(
      'option --retry: expected a positive numerical parameter',
    )
    expect(message(['--retry-delay', '-3'])).toBe(
      'option --retry-delay: expected a positive numerical parameter',
    )
    expect(message(['--retry', '2.5'])).toBe(
      'option --retry: expected a proper numerical parameter',
    )
    expect(message(['--max-redirs', '-2'])).toBe(
      'option --max-redirs: expected a proper numerical parameter',
    )
    expect(message(['-m', '-0.5'])).toBe('option -m: expected a positive numerical parameter')
    expect(message(['-m', '1e30'])).toBe('option -m: too large number')
  })

  test('strtol and strtod forms are read: blanks, signs, exponents, hex', () => {
    expect(
      parseCurlArgs(['--retry', ' +2', '-m', '1e1', '--connect-timeout', '0x10', '/p']),
    ).toMatchObject({ retry: 2, maxTime: 10, connectTimeout: 16 })
  })
})
