import { parseArgs, type ParseArgsConfig } from 'node:util'

import { UsageError } from '../errors.js'

/** One curl option mom understands; `mom` marks the options that are mom's own. */
export interface OptionSpec {
  long: string
  short?: string
  /** Takes a value (`-X POST`, `-XPOST`, `--request=POST`). */
  value: boolean
  /** May be given several times, every occurrence counts (otherwise the last one wins). */
  repeatable?: boolean
  mom?: boolean
  /** The value's name in help, such as `METHOD`. */
  arg?: string
  /**
   * Where a plain option lands in CurlOptions and how: `true` sets a flag, `string` keeps the
   * last value, `push` keeps every value, `integer`, `count` and `seconds` check a number first
   * as curl does (a `count` or `seconds` below zero is refused, an `integer` below -1). Options
   * without it (the body, form and HEAD flags, -b) are read in `apply`.
   */
  set?: readonly [
    field: keyof CurlOptions,
    kind: 'true' | 'string' | 'push' | 'integer' | 'count' | 'seconds',
  ]
  help: string
}

/**
 * The options `mom curl` takes, with curl's names and meaning (curl(1)). Anything not in this
 * table is refused by name, never ignored.
 */
export const CURL_OPTIONS: readonly OptionSpec[] = [
  {
    long: 'request',
    set: ['method', 'string'],
    short: 'X',
    value: true,
    arg: 'METHOD',
    help: 'method for every request',
  },
  {
    long: 'header',
    set: ['headers', 'push'],
    short: 'H',
    value: true,
    repeatable: true,
    arg: 'LINE',
    help: "add a header; 'Name:' removes one, 'Name;' sends it empty",
  },
  {
    long: 'data',
    short: 'd',
    value: true,
    repeatable: true,
    arg: 'DATA',
    help: 'POST form data; @file strips CR, LF and NUL',
  },
  { long: 'data-ascii', value: true, repeatable: true, arg: 'DATA', help: 'same as --data' },
  {
    long: 'data-raw',
    value: true,
    repeatable: true,
    arg: 'DATA',
    help: 'POST data, @ has no special meaning',
  },
  {
    long: 'data-binary',
    value: true,
    repeatable: true,
    arg: 'DATA',
    help: 'POST data; @file is sent byte for byte',
  },
  {
    long: 'data-urlencode',
    value: true,
    repeatable: true,
    arg: 'DATA',
    help: 'POST data, URL-encoded: content, =content, name=content, @file, name@file',
  },
  {
    long: 'json',
    value: true,
    repeatable: true,
    arg: 'DATA',
    help: 'POST JSON, exact bytes, with JSON Content-Type and Accept',
  },
  {
    long: 'get',
    set: ['get', 'true'],
    short: 'G',
    value: false,
    help: 'put the data in the query string of a GET',
  },
  {
    long: 'form',
    short: 'F',
    value: true,
    repeatable: true,
    arg: 'NAME=VALUE',
    help: 'multipart field: name=value, name=@file, name=<file, ;type=',
  },
  {
    long: 'form-string',
    value: true,
    repeatable: true,
    arg: 'NAME=VALUE',
    help: 'multipart field taken literally',
  },
  { long: 'head', short: 'I', value: false, help: 'send HEAD and print the response headers' },
  {
    long: 'include',
    set: ['include', 'true'],
    short: 'i',
    value: false,
    help: 'print the response headers before the body',
  },
  {
    long: 'output',
    set: ['output', 'string'],
    short: 'o',
    value: true,
    arg: 'FILE',
    help: 'write the body to FILE',
  },
  {
    long: 'dump-header',
    set: ['dumpHeader', 'string'],
    short: 'D',
    value: true,
    arg: 'FILE',
    help: "write the response headers to FILE ('-' for stdout)",
  },
  {
    long: 'silent',
    set: ['silent', 'true'],
    short: 's',
    value: false,
    help: 'no progress meter, errors or warnings',
  },
  {
    long: 'show-error',
    set: ['showError', 'true'],
    short: 'S',
    value: false,
    help: 'with -s, still print errors',
  },
  {
    long: 'verbose',
    set: ['verbose', 'true'],
    short: 'v',
    value: false,
    help: 'print the exchange on stderr, the credential redacted',
  },
  {
    long: 'fail',
    set: ['fail', 'true'],
    short: 'f',
    value: false,
    help: 'exit 22 on an HTTP error, without the body',
  },
  {
    long: 'fail-with-body',
    set: ['failWithBody', 'true'],
    value: false,
    help: 'exit 22 on an HTTP error, with the body',
  },
  {
    long: 'location',
    set: ['location', 'true'],
    short: 'L',
    value: false,
    help: 'follow redirects',
  },
  {
    long: 'max-redirs',
    set: ['maxRedirs', 'integer'],
    value: true,
    arg: 'N',
    help: 'at most N redirects (default 50, -1 for no limit)',
  },
  {
    long: 'max-time',
    set: ['maxTime', 'seconds'],
    short: 'm',
    value: true,
    arg: 'SECONDS',
    help: 'give up after SECONDS (exit 28)',
  },
  {
    long: 'connect-timeout',
    set: ['connectTimeout', 'seconds'],
    value: true,
    arg: 'SECONDS',
    help: 'give up connecting after SECONDS (exit 28)',
  },
  {
    long: 'write-out',
    set: ['writeOut', 'string'],
    short: 'w',
    value: true,
    arg: 'FORMAT',
    help: 'print FORMAT after the transfer (%{http_code}, %{header_json}, ...)',
  },
  {
    long: 'user-agent',
    set: ['userAgent', 'string'],
    short: 'A',
    value: true,
    arg: 'NAME',
    help: 'User-Agent to send',
  },
  {
    long: 'referer',
    set: ['referer', 'string'],
    short: 'e',
    value: true,
    arg: 'URL',
    help: 'Referer to send',
  },
  {
    long: 'cookie',
    short: 'b',
    value: true,
    repeatable: true,
    arg: 'NAME=VALUE',
    help: 'Cookie to send (string form only)',
  },
  {
    long: 'compressed',
    set: ['compressed', 'true'],
    value: false,
    help: 'ask for a compressed response and decode it',
  },
  {
    long: 'insecure',
    set: ['insecure', 'true'],
    short: 'k',
    value: false,
    help: 'do not verify the TLS certificate',
  },
  {
    long: 'cacert',
    set: ['cacert', 'string'],
    value: true,
    arg: 'FILE',
    help: 'verify TLS with the CA certificates in FILE',
  },
  {
    long: 'retry',
    set: ['retry', 'count'],
    value: true,
    arg: 'N',
    help: 'retry N times on a timeout or HTTP 408, 429, 500, 502, 503, 504',
  },
  {
    long: 'retry-delay',
    set: ['retryDelay', 'count'],
    value: true,
    arg: 'SECONDS',
    help: 'wait SECONDS between retries',
  },
  { long: 'url', set: ['urls', 'push'], value: true, arg: 'PATH', help: 'the path, as an option' },
  {
    long: 'no-progress-meter',
    set: ['noProgressMeter', 'true'],
    value: false,
    help: 'no progress meter on stderr, errors still shown',
  },
  {
    long: 'base-url',
    set: ['baseUrl', 'string'],
    value: true,
    mom: true,
    arg: 'URL',
    help: 'the Atlas to talk to (default $MOM_BASE_URL, else https://atlas.moment.dev)',
  },
  {
    long: 'token',
    set: ['token', 'string'],
    value: true,
    mom: true,
    arg: 'TOKEN',
    help: "the Atlas credential (default $MOM_TOKEN, else the one stored by 'mom auth login')",
  },
  {
    long: 'raw',
    set: ['raw', 'true'],
    value: false,
    mom: true,
    help: 'never pretty-print JSON on a terminal',
  },
  { long: 'help', set: ['help', 'true'], short: 'h', value: false, mom: true, help: 'show help' },
]

/** One piece of request body, in command-line order. */
export interface DataItem {
  kind: 'data' | 'raw' | 'binary' | 'urlencode' | 'json'
  value: string
}

/** One `-F` or `--form-string` field. */
export interface FormItem {
  value: string
  literal: boolean
}

/** What the command line asks for, folded from the option tokens. */
export interface CurlOptions {
  /** The path or URL arguments, in order. */
  urls: string[]
  method?: string
  headers: string[]
  data: DataItem[]
  form: FormItem[]
  get: boolean
  head: boolean
  include: boolean
  output?: string
  dumpHeader?: string
  silent: boolean
  showError: boolean
  verbose: boolean
  fail: boolean
  failWithBody: boolean
  location: boolean
  maxRedirs: number
  maxTime?: number
  connectTimeout?: number
  writeOut?: string
  userAgent?: string
  referer?: string
  cookies: string[]
  compressed: boolean
  noProgressMeter: boolean
  insecure: boolean
  cacert?: string
  retry: number
  retryDelay: number
  baseUrl?: string
  token?: string
  raw: boolean
  help: boolean
  /** Which flag set the body, as the user wrote it (`-d`, `--json`, …), for error messages. */
  dataFlag?: string
  formFlag?: string
  headFlag?: string
}

const BY_LONG = new Map(CURL_OPTIONS.map((spec) => [spec.long, spec]))

/**
 * Parses `mom curl` arguments the way curl does: bundled short flags (`-sS`, `-ksX POST`),
 * inline values (`-XPOST`, `-dk=v`, `--data=x`), a value that starts with a dash (`-d -x`), and
 * options before or after the path. An option not in the table is a usage error naming it.
 */
export function parseCurlArgs(args: readonly string[]): CurlOptions {
  const options: NonNullable<ParseArgsConfig['options']> = {}
  for (const spec of CURL_OPTIONS) {
    options[spec.long] = {
      type: spec.value ? 'string' : 'boolean',
      ...(spec.short ? { short: spec.short } : {}),
    }
  }
  // Non-strict, so that a value may start with a dash as in curl; every token is checked below.
  const tokenize = (list: string[]) =>
    parseArgs({ args: list, options, strict: false, allowPositionals: true, tokens: true }).tokens
  let tokens = tokenize([...args])
  const expanded = expandAbbreviations(args, tokens)
  if (expanded) tokens = tokenize(expanded)

  const out = emptyOptions()
  for (const token of tokens) {
    if (token.kind === 'positional') {
      out.urls.push(token.value)
      continue
    }
    if (token.kind === 'option-terminator') continue
    const spec = BY_LONG.get(token.name)
    const isLong = token.rawName.startsWith('--')
    if (!spec || (isLong && token.rawName !== `--${spec.long}`)) {
      throw new UsageError(`option ${token.rawName} is not supported by mom curl`, {
        code: 'UNSUPPORTED_OPTION',
        hint: "see 'mom curl --help' for the supported flags",
      })
    }
    // curl has no --name=value form; it reads `--request=PUT` as an unknown option.
    if (isLong && token.inlineValue) {
      throw new UsageError(`option ${token.rawName}=${token.value ?? ''} is unknown`, {
        code: 'UNSUPPORTED_OPTION',
        hint: `write ${token.rawName} and its value as two arguments`,
      })
    }
    if (spec.value && token.value === undefined) {
      throw new UsageError(`option ${token.rawName} requires a value`, { code: 'MISSING_VALUE' })
    }
    apply(out, spec, token.rawName, token.value ?? '')
  }
  return out
}

/**
 * curl accepts any unambiguous start of a long option (`--verb` for --verbose); the arguments
 * with such abbreviations written out in full, or undefined when there are none. An ambiguous
 * one is a usage error, as in curl.
 */
function expandAbbreviations(
  args: readonly string[],
  tokens: ReturnType<typeof parseArgs>['tokens'],
): string[] | undefined {
  let out: string[] | undefined
  for (const token of tokens ?? []) {
    if (token.kind !== 'option' || !token.rawName.startsWith('--') || BY_LONG.has(token.name))
      continue
    if (token.inlineValue) continue
    const matches = CURL_OPTIONS.filter((spec) => spec.long.startsWith(token.name))
    if (matches.length > 1) {
      throw new UsageError(`option ${token.rawName} is ambiguous`, {
        code: 'AMBIGUOUS_OPTION',
        hint: `it could be ${matches.map((m) => `--${m.long}`).join(', ')}`,
      })
    }
    if (matches.length === 1) {
      out ??= [...args]
      out[token.index] = `--${matches[0]!.long}`
    }
  }
  return out
}

function emptyOptions(): CurlOptions {
  return {
    urls: [],
    headers: [],
    data: [],
    form: [],
    get: false,
    head: false,
    include: false,
    silent: false,
    showError: false,
    verbose: false,
    fail: false,
    failWithBody: false,
    location: false,
    maxRedirs: 50,
    cookies: [],
    compressed: false,
    noProgressMeter: false,
    insecure: false,
    retry: 0,
    retryDelay: 0,
    raw: false,
    help: false,
  }
}

const DATA_KINDS: Record<string, DataItem['kind']> = {
  data: 'data',
  'data-ascii': 'data',
  'data-raw': 'raw',
  'data-binary': 'binary',
  'data-urlencode': 'urlencode',
  json: 'json',
}

function apply(out: CurlOptions, spec: OptionSpec, flag: string, value: string): void {
  const fields = out as unknown as Record<string, unknown>
  if (spec.set) {
    const [field, kind] = spec.set
    if (kind === 'true') fields[field] = true
    else if (kind === 'string') fields[field] = value
    else if (kind === 'push') (fields[field] as string[]).push(value)
    else if (kind === 'integer') fields[field] = parseInteger(flag, value, -1)
    else if (kind === 'count') fields[field] = parseCount(flag, value)
    else fields[field] = parseSeconds(flag, value)
    return
  }
  const kind = DATA_KINDS[spec.long]
  if (kind) {
    out.data.push({ kind, value })
    out.dataFlag ??= flag
  } else if (spec.long === 'form' || spec.long === 'form-string') {
    out.form.push({ value, literal: spec.long === 'form-string' })
    out.formFlag ??= flag
  } else if (spec.long === 'head') {
    out.head = true
    out.headFlag ??= flag
  } else if (spec.long === 'cookie') {
    if (!value.includes('=')) {
      throw new UsageError(
        `option ${flag}: only the NAME=VALUE form is supported, not a cookie file`,
        { code: 'COOKIE_FILE' },
      )
    }
    out.cookies.push(value)
  }
}

// curl's words for a bad number (tool_paramhlp.c): "option -m: expected a proper numerical
// parameter", "… expected a positive numerical parameter" below zero, "… too large number".
function numberError(flag: string, problem: string, code: string): UsageError {
  return new UsageError(`option ${flag}: ${problem}`, { code })
}

const LONG_MAX = 2n ** 63n - 1n

/** A whole number as curl's strtol reads it: blanks and a sign first, digits to the end. */
function parseInteger(flag: string, value: string, min: number): number {
  const match = /^[ \t\n\v\f\r]*([+-]?\d+)$/.exec(value)
  if (!match) throw numberError(flag, 'expected a proper numerical parameter', 'BAD_NUMBER')
  const big = BigInt(match[1]!)
  if (big > LONG_MAX || big < -LONG_MAX - 1n)
    throw numberError(flag, 'too large number', 'NUMBER_TOO_LARGE')
  if (big < BigInt(min))
    throw numberError(flag, 'expected a proper numerical parameter', 'BAD_NUMBER')
  return Number(big)
}

/** A count that cannot be negative (--retry, --retry-delay): curl's str2unum. */
function parseCount(flag: string, value: string): number {
  const number = parseInteger(flag, value, Number.MIN_SAFE_INTEGER)
  if (number < 0) throw numberError(flag, 'expected a positive numerical parameter', 'NEGATIVE')
  return number
}

/** Seconds as curl's strtod reads them (`1.5`, `1e1`, `0x10`, ` +2`), not below zero. */
function parseSeconds(flag: string, value: string): number {
  const text = value.replace(/^[ \t\n\v\f\r]+/, '')
  let number: number
  // LIMITATION: `nan` and hexadecimal fractions (`0x1.8p1`), which curl's strtod reads, are
  // refused here as not a number; a fix needs a full strtod.
  if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text)) number = Number(text)
  else if (/^[+-]?0x[0-9a-f]+$/i.test(text))
    number = (text.startsWith('-') ? -1 : 1) * parseInt(text.replace(/^[+-]?0x/i, ''), 16)
  else if (/^[+-]?inf(inity)?$/i.test(text)) number = text.startsWith('-') ? -Infinity : Infinity
  else throw numberError(flag, 'expected a proper numerical parameter', 'BAD_NUMBER')
  if (number > Number(LONG_MAX) / 1000)
    throw numberError(flag, 'too large number', 'NUMBER_TOO_LARGE')
  if (number < 0) throw numberError(flag, 'expected a positive numerical parameter', 'NEGATIVE')
  return number === 0 ? 0 : number
}
