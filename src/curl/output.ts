import type { HeaderLine } from './request.js'
import type { ResponseHead } from './send.js'

/** The response headers as curl's -i and -D write them: status line, headers, blank line, CRLF. */
export function formatHeaderBlock(head: ResponseHead): string {
  let out = statusLine(head) + '\r\n'
  for (const [name, value] of head.headers) out += `${name}: ${value}\r\n`
  return out + '\r\n'
}

export function statusLine(head: ResponseHead): string {
  const text = head.statusText ? ` ${head.statusText}` : ''
  return `HTTP/${head.httpVersion} ${head.statusCode}${text}`
}

/** `-v` lines for a request: `> ` before each line, the credential shown redacted. */
export function formatVerboseRequest(method: string, path: string, headers: HeaderLine[]): string {
  let out = `> ${method} ${path} HTTP/1.1\r\n`
  for (const header of headers)
    out += `> ${header.name}: ${header.display ?? redactCredential(header)}\r\n`
  return out + '> \r\n'
}

/** An Authorization value as -v shows it: the scheme kept, the credential `<redacted>`. */
export function redactCredential(header: HeaderLine): string {
  if (!/^(proxy-)?authorization$/i.test(header.name)) return header.value
  const scheme = /^(\S+)\s+\S/.exec(header.value)
  return scheme ? `${scheme[1]} <redacted>` : '<redacted>'
}

/** `-v` lines for a response head; curl leaves out the closing `< ` when -f stops it. */
export function formatVerboseResponse(head: ResponseHead, closed: boolean): string {
  let out = `< ${statusLine(head)}\r\n`
  for (const [name, value] of head.headers) out += `< ${name}: ${value}\r\n`
  return closed ? out : out + '< \r\n'
}

/** What the -w variables read once a transfer is over. */
export interface TransferInfo {
  httpCode: number
  contentType: string
  /** Body bytes received on the last hop, before any decoding (what curl counts). */
  sizeDownload: number
  sizeHeader: number
  sizeUpload: number
  /** Seconds. */
  timeTotal: number
  urlEffective: string
  headers: [string, string][]
  numRedirects: number
  method: string
  exitCode: number
  errorMessage: string
  redirectUrl: string
  remoteIp: string
  remotePort: string
  scheme: string
  /** The URL as given, before any redirect. */
  url: string
  /** Bytes of every request sent: request lines, headers and bodies, redirects included. */
  sizeRequest: number
}

/** A piece of -w output and the stream it goes to (`%{stderr}` and `%{stdout}` switch). */
export interface WriteOutPiece {
  stream: 'stdout' | 'stderr'
  text: string
}

/**
 * Expands a --write-out format as curl 7.88 does: `%{name}` variables, `%%`, and the escapes
 * `\n`, `\r`, `\t` (any other backslash pair is kept as written). Unknown variables produce a
 * warning, not output.
 */
export function formatWriteOut(
  format: string,
  info: TransferInfo,
): { pieces: WriteOutPiece[]; warnings: string[] } {
  const pieces: WriteOutPiece[] = []
  const warnings: string[] = []
  let stream: WriteOutPiece['stream'] = 'stdout'
  let text = ''
  const flush = () => {
    if (text) pieces.push({ stream, text })
    text = ''
  }

  for (let i = 0; i < format.length;) {
    const char = format[i]!
    if (char === '%' && format[i + 1] === '%') {
      text += '%'
      i += 2
    } else if (char === '%' && format[i + 1] === '{') {
      const end = format.indexOf('}', i + 2)
      if (end < 0) {
        text += format.slice(i)
        break
      }
      const name = format.slice(i + 2, end)
      i = end + 1
      if (name === 'json') {
        text += formatJson(info)
        continue
      }
      if (name === 'stdout' || name === 'stderr') {
        flush()
        stream = name
        continue
      }
      const value = writeOutVariable(name, info)
      if (value === undefined) warnings.push(`unknown --write-out variable: '${name}'`)
      else text += value
    } else if (char === '%' && format.startsWith('%header{', i) && format.includes('}', i + 8)) {
      // curl 7.84+: the value of the first response header of that name, any case; else nothing.
      const end = format.indexOf('}', i + 8)
      const wanted = format.slice(i + 8, end).toLowerCase()
      text += info.headers.find(([name]) => name.toLowerCase() === wanted)?.[1] ?? ''
      i = end + 1
    } else if (char === '\\' && i + 1 < format.length) {
      const next = format[i + 1]!
      text += next === 'n' ? '\n' : next === 'r' ? '\r' : next === 't' ? '\t' : char + next
      i += 2
    } else {
      text += char
      i += 1
    }
  }
  flush()
  return { pieces, warnings }
}

const code = (i: TransferInfo) => String(i.httpCode).padStart(3, '0')

/** The --write-out variables mom knows, by curl's names (curl(1), --write-out). */
const WRITE_OUT_VARIABLES: Readonly<Record<string, (info: TransferInfo) => string>> = {
  http_code: code,
  response_code: code,
  content_type: (i) => i.contentType,
  size_download: (i) => String(i.sizeDownload),
  size_header: (i) => String(i.sizeHeader),
  size_upload: (i) => String(i.sizeUpload),
  time_total: (i) => i.timeTotal.toFixed(6),
  url_effective: (i) => i.urlEffective,
  header_json: (i) => formatHeaderJson(i.headers),
  num_redirects: (i) => String(i.numRedirects),
  method: (i) => i.method,
  exitcode: (i) => String(i.exitCode),
  errormsg: (i) => i.errorMessage,
  redirect_url: (i) => i.redirectUrl,
  remote_ip: (i) => i.remoteIp,
  remote_port: (i) => i.remotePort,
  scheme: (i) => i.scheme,
  http_version: (i) => (i.httpCode ? '1.1' : '0'),
  num_headers: (i) => String(i.headers.length),
  size_request: (i) => String(i.sizeRequest),
  url: (i) => i.url,
  urlnum: () => '0',
}

/**
 * `%{json}`: curl's object of every variable, here the ones mom knows, in curl's order and with
 * curl's types (numbers bare, an empty message or redirect URL as null).
 */
export function formatJson(i: TransferInfo): string {
  const orNull = (text: string) => text || null
  // LIMITATION: %{json} leaves out what mom does not measure (certs, filename_effective,
  // local_ip, local_port, num_connects, speed_*, time_connect and the other phase timings,
  // curl_version, …), so a script that reads those keys finds them missing; a fix needs those
  // figures from the connection.
  const fields: [string, unknown][] = [
    ['content_type', orNull(i.contentType)],
    ['errormsg', orNull(i.errorMessage)],
    ['exitcode', i.exitCode],
    ['http_code', i.httpCode],
    ['http_version', i.httpCode ? '1.1' : '0'],
    ['method', i.method],
    ['num_headers', i.headers.length],
    ['num_redirects', i.numRedirects],
    ['redirect_url', orNull(i.redirectUrl)],
    ['remote_ip', i.remoteIp],
    ['remote_port', Number(i.remotePort) || 0],
    ['response_code', i.httpCode],
    ['scheme', i.remoteIp ? i.scheme : null],
    ['size_download', i.sizeDownload],
    ['size_header', i.sizeHeader],
    ['size_request', i.sizeRequest],
    ['size_upload', i.sizeUpload],
  ]
  const body = fields.map(([name, value]) => `"${name}":${JSON.stringify(value)}`)
  body.push(`"time_total":${i.timeTotal.toFixed(6)}`)
  body.push(`"url":${JSON.stringify(i.url)}`, `"url_effective":${JSON.stringify(i.urlEffective)}`)
  body.push('"urlnum":0')
  return `{${body.join(',')}}`
}

function writeOutVariable(name: string, info: TransferInfo): string | undefined {
  return Object.hasOwn(WRITE_OUT_VARIABLES, name) ? WRITE_OUT_VARIABLES[name]!(info) : undefined
}

/**
 * `%{header_json}` in curl's layout: lower-case names in order of first appearance, every value
 * an array (a repeated header such as Set-Cookie keeps each value apart), one name per line.
 */
export function formatHeaderJson(headers: [string, string][]): string {
  const byName = new Map<string, string[]>()
  for (const [name, value] of headers) {
    const key = name.toLowerCase()
    const values = byName.get(key)
    if (values) values.push(value)
    else byName.set(key, [value])
  }
  const lines = [...byName].map(
    ([name, values]) => `${JSON.stringify(name)}:${JSON.stringify(values)}`,
  )
  return `{${lines.join(',\n')}\n}`
}
