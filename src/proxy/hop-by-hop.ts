/**
 * Hop-by-hop headers (RFC 9110, section 7.6.1): they describe one connection, so a proxy drops
 * them in both directions, together with every header that `Connection` names.
 * https://www.rfc-editor.org/rfc/rfc9110#section-7.6.1
 */

/**
 * The fixed list, lowercase: the fields RFC 9110 section 7.6.1 names (Connection,
 * Proxy-Connection, Keep-Alive, TE, Transfer-Encoding, Upgrade), plus Trailer and the two
 * proxy-authentication fields, which RFC 2616 section 13.5.1 listed as hop-by-hop as well.
 */
export const HOP_BY_HOP_HEADERS: ReadonlySet<string> = new Set([
  'connection',
  'proxy-connection',
  'keep-alive',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'proxy-authenticate',
  'proxy-authorization',
])

/**
 * The header names a `Connection` value lists (lowercase), leaving out those already in the
 * fixed list; `undefined` when there are none, which is the usual `keep-alive` or `close` case.
 */
export function connectionOptions(value: string | undefined): Set<string> | undefined {
  // The usual values, without splitting: nothing beyond the fixed list is named.
  if (value === undefined || value === 'keep-alive' || value === 'close' || value === 'Keep-Alive')
    return undefined
  let names: Set<string> | undefined
  for (const part of value.split(',')) {
    const name = part.trim().toLowerCase()
    if (name === '' || name === 'close' || HOP_BY_HOP_HEADERS.has(name)) continue
    ;(names ??= new Set()).add(name)
  }
  return names
}

/**
 * Removes from a flat `[name, value, name, value, …]` list every hop-by-hop header and every
 * header the list's own `Connection` names. Returns a new list; names keep their case and order,
 * and repeated headers stay repeated.
 */
export function dropHopByHopHeaders(headers: readonly string[]): string[] {
  let connection: string | undefined
  for (let i = 0; i < headers.length; i += 2) {
    if (headers[i]!.toLowerCase() === 'connection') {
      connection = connection === undefined ? headers[i + 1]! : `${connection},${headers[i + 1]!}`
    }
  }
  const named = connectionOptions(connection)
  const kept: string[] = []
  for (let i = 0; i < headers.length; i += 2) {
    const lower = headers[i]!.toLowerCase()
    if (HOP_BY_HOP_HEADERS.has(lower) || named?.has(lower)) continue
    kept.push(headers[i]!, headers[i + 1]!)
  }
  return kept
}
