import { randomBytes } from 'node:crypto'
import { basename, extname } from 'node:path'

import { UsageError } from '../errors.js'
import { CurlError, EXIT } from './exit-codes.js'
import type { CurlOptions, DataItem, FormItem } from './options.js'

/** A header as it goes on the wire; `display` is what `-v` prints instead of the value. */
export interface HeaderLine {
  name: string
  value: string
  display?: string
  /** Content-Length or Content-Type that curl adds for the body; dropped with the body. */
  forBody?: boolean
}

/** The first request of a transfer, built from the options the way curl builds it. */
export interface RequestPlan {
  method: string
  /** `-X` was given: the method stays for every redirect hop (curl's rule). */
  methodForced: boolean
  url: URL
  /**
   * The query exactly as sent (`?` first, a byte per char), when -G put data there: curl sends
   * those bytes as given, where URL would percent-encode some of them.
   */
  query?: string
  /** `-e …;auto`: each redirect hop names the URL it came from in Referer. */
  autoReferer: boolean
  /** In curl's order: Host, User-Agent, Accept, Accept-Encoding, Referer, Cookie, -H …, body headers. */
  headers: HeaderLine[]
  body?: Buffer
  /** The body came from -d/--data*, --json or -F, which decides what a 301/302/303 does. */
  isPost: boolean
}

/** How the request reaches files and standard input (`@file`, `@-`). */
export interface RequestInputs {
  readFile(path: string): Promise<Buffer>
  readStdin(): Promise<Buffer>
}

export interface RequestDefaults {
  userAgent: string
  /** Sent first among the custom headers, where `curl -H 'Authorization: …'` puts it. */
  credential?: HeaderLine
}

/**
 * The query -G makes: the URL's own, `&`, then the data, bytes as given. curl refuses a URL with
 * a control byte or a space in it (exit 3) and ends the query at `#`, where a fragment starts.
 */
function getQuery(target: URL, data: Buffer): string {
  const added = data.toString('latin1')
  if (/[\x00-\x20\x7f]/.test(added)) throw new CurlError(EXIT.URL_MALFORMAT)
  const joined = target.search ? `${target.search}&${added}` : `?${added}`
  const hash = joined.indexOf('#')
  return hash < 0 ? joined : joined.slice(0, hash)
}

/**
 * Builds the request curl would send for these options, or refuses a combination curl refuses
 * (`-I` with `-d`, `-d` with `-F`) before anything is sent.
 */
export async function buildRequest(
  opts: CurlOptions,
  url: URL,
  inputs: RequestInputs,
  defaults: RequestDefaults,
): Promise<RequestPlan> {
  checkMethodConflicts(opts)
  const stdin = once(inputs.readStdin)
  const read: RequestInputs = { readFile: inputs.readFile, readStdin: stdin }

  let body: Buffer | undefined
  let bodyHeaders: HeaderLine[] = []
  let jsonHeaders: HeaderLine[] = []
  const target = new URL(url)
  let query: string | undefined

  if (opts.form.length > 0) {
    const boundary = '-'.repeat(24) + randomBytes(8).toString('hex')
    body = await buildMultipart(opts.form, boundary, read)
    bodyHeaders = [
      { name: 'Content-Length', value: String(body.length), forBody: true },
      { name: 'Content-Type', value: `multipart/form-data; boundary=${boundary}`, forBody: true },
    ]
  } else if (opts.data.length > 0) {
    const data = await joinData(opts.data, read)
    const isJson = opts.data.some((d) => d.kind === 'json')
    // curl keeps --json's two headers with -G too, though the data goes in the query.
    if (isJson) {
      jsonHeaders = [
        { name: 'Content-Type', value: 'application/json' },
        { name: 'Accept', value: 'application/json' },
      ]
    }
    if (opts.get) {
      query = getQuery(target, data)
    } else {
      body = data
      bodyHeaders = [{ name: 'Content-Length', value: String(body.length), forBody: true }]
      if (!isJson) {
        bodyHeaders.push({
          name: 'Content-Type',
          value: 'application/x-www-form-urlencoded',
          forBody: true,
        })
      }
    }
  }

  // LIMITATION: for a body over 1 MiB curl sends `Expect: 100-continue` and waits for the 100
  // before the body; mom sends the body at once, since undici refuses an Expect header. A fix
  // needs a client that handles 100-continue.
  const isPost = body !== undefined
  const derived = opts.head ? 'HEAD' : isPost ? 'POST' : 'GET'
  const method = opts.method ?? derived

  const internal: HeaderLine[] = [
    { name: 'Host', value: target.host },
    { name: 'User-Agent', value: opts.userAgent ?? defaults.userAgent },
    { name: 'Accept', value: '*/*' },
  ]
  if (opts.compressed) internal.push({ name: 'Accept-Encoding', value: ACCEPT_ENCODING })
  // `-e URL;auto` sends URL, then on each redirect the URL it came from; `;auto` alone sends
  // nothing on the first request (curl(1), --referer).
  const autoReferer = opts.referer?.endsWith(';auto') ?? false
  const referer = autoReferer ? opts.referer!.slice(0, -';auto'.length) : opts.referer
  if (referer) internal.push({ name: 'Referer', value: referer })
  if (opts.cookies.length > 0) internal.push({ name: 'Cookie', value: opts.cookies.join(';') })
  // curl sends no User-Agent for `-A ''`.
  if (opts.userAgent === '') internal.splice(1, 1)

  const headers = mergeHeaders(
    internal,
    defaults.credential,
    opts.headers,
    jsonHeaders,
    bodyHeaders,
  )
  return {
    method,
    methodForced: opts.method !== undefined,
    url: target,
    ...(query === undefined ? {} : { query }),
    autoReferer,
    headers,
    body,
    isPost,
  }
}

/**
 * What `--compressed` asks for: the encodings this build can decode, in curl's order.
 */
// LIMITATION: curl 7.88 also offers zstd; Node 20's zlib cannot decode it, so mom leaves it out
// of Accept-Encoding. A fix needs Node 22.15 or later (zlib zstd support).
export const ACCEPT_ENCODING = 'deflate, gzip, br'

/**
 * Refuses, before anything is sent, what curl refuses or mom cannot do: no path, several paths,
 * and two request methods at once (`-I` with `-d`, `-d` with `-F`).
 */
export function checkRequestOptions(opts: CurlOptions): void {
  if (opts.urls.length === 0) {
    throw new UsageError('no path given', { code: 'NO_URL', hint: "see 'mom curl --help'" })
  }
  if (opts.urls.length > 1) {
    throw new UsageError(`one path per request, got ${opts.urls.length}`, {
      code: 'SEVERAL_URLS',
      hint: 'run mom curl once per path',
    })
  }
  checkMethodConflicts(opts)
}

function checkMethodConflicts(opts: CurlOptions): void {
  const post = opts.data.length > 0 && !opts.get ? `${opts.dataFlag} (POST)` : undefined
  const form = opts.form.length > 0 ? `${opts.formFlag} (multipart form)` : undefined
  const head = opts.head ? `${opts.headFlag} (HEAD)` : undefined
  const get = opts.get && opts.form.length > 0 ? '-G (GET)' : undefined
  const chosen = [head, get, post, form].filter((x): x is string => x !== undefined)
  if (chosen.length > 1) {
    throw new UsageError(`${chosen[0]} and ${chosen[1]} cannot be combined`, {
      code: 'METHOD_CONFLICT',
      hint: 'choose one request method',
    })
  }
}

/**
 * Custom headers replace internal ones of the same name (`Host` in place, others at their own
 * position), `Name:` removes one, `Name;` sends it empty (curl(1), --header).
 */
function mergeHeaders(
  internal: HeaderLine[],
  credential: HeaderLine | undefined,
  lines: string[],
  jsonHeaders: HeaderLine[],
  bodyHeaders: HeaderLine[],
): HeaderLine[] {
  const custom: HeaderLine[] = []
  const removed = new Set<string>()
  for (const line of lines) {
    const parsed = parseHeaderLine(line)
    if (!parsed) continue
    if (parsed.remove) removed.add(parsed.name.toLowerCase())
    else custom.push({ name: parsed.name, value: parsed.value })
  }
  const named = (list: HeaderLine[], name: string) =>
    list.some((h) => h.name.toLowerCase() === name.toLowerCase())

  if (
    credential &&
    !named(custom, credential.name) &&
    !removed.has(credential.name.toLowerCase())
  ) {
    custom.unshift(credential)
  }
  for (const header of jsonHeaders) if (!named(custom, header.name)) custom.push(header)

  const out: HeaderLine[] = []
  for (const header of internal) {
    const key = header.name.toLowerCase()
    if (removed.has(key)) continue
    if (key === 'host') {
      const own = custom.find((h) => h.name.toLowerCase() === 'host')
      out.push(own ?? header)
      continue
    }
    if (!named(custom, key)) out.push(header)
  }
  out.push(...custom.filter((h) => h.name.toLowerCase() !== 'host'))
  for (const header of bodyHeaders) {
    if (!named(custom, header.name) && !removed.has(header.name.toLowerCase())) out.push(header)
  }
  return out
}

function parseHeaderLine(
  line: string,
): { name: string; value: string; remove: boolean } | undefined {
  const colon = line.indexOf(':')
  if (colon > 0) {
    const value = line.slice(colon + 1).trim()
    return { name: line.slice(0, colon).trim(), value, remove: value === '' }
  }
  const semi = line.indexOf(';')
  if (semi > 0 && line.slice(semi + 1).trim() === '') {
    return { name: line.slice(0, semi).trim(), value: '', remove: false }
  }
  return undefined
}

/** The pieces of -d, --data-raw, --data-binary, --data-urlencode and --json, joined as curl does. */
async function joinData(items: DataItem[], inputs: RequestInputs): Promise<Buffer> {
  const parts: Buffer[] = []
  for (const [index, item] of items.entries()) {
    const piece = await dataPiece(item, inputs)
    // --json pieces follow the previous data directly; everything else is joined with '&'.
    if (index > 0 && item.kind !== 'json') parts.push(Buffer.from('&'))
    parts.push(piece)
  }
  return Buffer.concat(parts)
}

async function dataPiece(item: DataItem, inputs: RequestInputs): Promise<Buffer> {
  const { kind, value } = item
  if (kind === 'raw') return Buffer.from(value)
  if (kind === 'urlencode') return Buffer.from(await urlencodePiece(value, inputs))
  if (!value.startsWith('@')) return Buffer.from(value)
  const content = await readSource(value.slice(1), inputs)
  return kind === 'data' ? stripLines(content) : content
}

/**
 * What curl 7.88 makes of `-d @file`: it reads the file line by line and keeps each line only
 * up to its first CR, LF or NUL byte, so line breaks vanish and a NUL cuts the rest of its line.
 */
export function stripLines(content: Buffer): Buffer {
  const kept: Buffer[] = []
  let start = 0
  while (start < content.length) {
    let end = content.indexOf(0x0a, start)
    if (end < 0) end = content.length
    let cut = start
    while (cut < end && content[cut] !== 0x0d && content[cut] !== 0) cut++
    kept.push(content.subarray(start, cut))
    start = end + 1
  }
  return Buffer.concat(kept)
}

async function urlencodePiece(value: string, inputs: RequestInputs): Promise<string> {
  const at = value.search(/[=@]/)
  if (at < 0) return encodeFormComponent(Buffer.from(value))
  const name = value.slice(0, at)
  const content =
    value[at] === '@'
      ? await readSource(value.slice(at + 1), inputs)
      : Buffer.from(value.slice(at + 1))
  const encoded = encodeFormComponent(content)
  return name ? `${name}=${encoded}` : encoded
}

/**
 * curl's escaping for --data-urlencode: every byte but A-Z a-z 0-9 - . _ ~ becomes %XX, then a
 * space (%20) becomes '+'.
 */
export function encodeFormComponent(bytes: Buffer): string {
  let out = ''
  for (const byte of bytes) {
    const char = String.fromCharCode(byte)
    if (/[A-Za-z0-9\-._~]/.test(char)) out += char
    else if (byte === 0x20) out += '+'
    else out += '%' + byte.toString(16).toUpperCase().padStart(2, '0')
  }
  return out
}

// NOTE: an unreadable @file is exit 26 for every data flag. curl 7.88 warns and sends an empty
// POST for -d @missing; sending nothing is the safer answer for an authenticated request.
async function readSource(path: string, inputs: RequestInputs): Promise<Buffer> {
  try {
    return path === '-' ? await inputs.readStdin() : await inputs.readFile(path)
  } catch {
    throw new CurlError(EXIT.READ_ERROR)
  }
}

const CONTENT_TYPES: Record<string, string> = {
  '.gif': 'image/gif',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.txt': 'text/plain',
  '.htm': 'text/html',
  '.html': 'text/html',
  '.pdf': 'application/pdf',
  '.xml': 'application/xml',
}

/** multipart/form-data in curl's layout, each part ended by CRLF, closed by `--boundary--`. */
async function buildMultipart(
  items: FormItem[],
  boundary: string,
  inputs: RequestInputs,
): Promise<Buffer> {
  const chunks: Buffer[] = []
  for (const item of items) {
    const eq = item.value.indexOf('=')
    if (eq <= 0) {
      throw new UsageError(`-F "${item.value}": expected NAME=VALUE`, { code: 'BAD_FORM' })
    }
    const name = item.value.slice(0, eq)
    const field = parseFormValue(item.value.slice(eq + 1), item.literal)
    let disposition = `form-data; name="${quoteFormName(name)}"`
    let content: Buffer
    let type = field.type
    if (field.source === 'file') {
      content = await readSource(field.value, inputs)
      const filename = field.filename ?? (field.value === '-' ? '' : basename(field.value))
      disposition += `; filename="${quoteFormName(filename)}"`
      type ??= CONTENT_TYPES[extname(field.value).toLowerCase()] ?? 'application/octet-stream'
    } else if (field.source === 'content') {
      content = await readSource(field.value, inputs)
    } else {
      content = Buffer.from(field.value)
    }
    let head = `--${boundary}\r\nContent-Disposition: ${disposition}\r\n`
    if (type) head += `Content-Type: ${type}\r\n`
    chunks.push(Buffer.from(head + '\r\n'), content, Buffer.from('\r\n'))
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`))
  return Buffer.concat(chunks)
}

interface FormValue {
  source: 'text' | 'file' | 'content'
  value: string
  type?: string
  filename?: string
}

function parseFormValue(raw: string, literal: boolean): FormValue {
  if (literal) return { source: 'text', value: raw }
  const source = raw.startsWith('@') ? 'file' : raw.startsWith('<') ? 'content' : 'text'
  let rest = source === 'text' ? raw : raw.slice(1)
  const field: FormValue = { source, value: rest }
  // Trailing ;type=… and ;filename=… attributes, as curl reads them.
  const attr = /;(type|filename)=([^;]*)$/
  for (let m = attr.exec(rest); m; m = attr.exec(rest)) {
    if (m[1] === 'type') field.type = m[2]
    else field.filename = m[2]
    rest = rest.slice(0, m.index)
  }
  field.value = rest
  return field
}

function quoteFormName(name: string): string {
  return name.replace(/"/g, '%22')
}

function once(read: () => Promise<Buffer>): () => Promise<Buffer> {
  let result: Promise<Buffer> | undefined
  let used = false
  return () => {
    // Standard input can be read once; a second @- gets nothing, as in curl.
    if (used) return result!.then(() => Buffer.alloc(0))
    used = true
    result = read()
    return result
  }
}
