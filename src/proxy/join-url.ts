/**
 * The URL-join rule of SPEC section 4: the upstream path is the base URL's path, then `/`, then
 * `{path}` exactly as the client sent it, then the query. The join is plain concatenation, never
 * `new URL(path, base)`, which reads a leading `//` as another host and a leading `/` as the
 * host's root. A `{path}` that an upstream could read as climbing above the base path is refused
 * instead of being rewritten.
 */

/** Why a path was refused; the message is safe to show (it never repeats the path). */
export type UnsafePathReason =
  | 'dot segment'
  | 'encoded slash'
  | 'backslash'
  | 'encoded backslash'
  | 'double-encoded character'
  | 'leading double slash'
  | 'fragment'
  | 'overlong encoding'
  | 'encoded NUL'

const SLASH = 0x2f
const DOT = 0x2e
const PERCENT = 0x25
const BACKSLASH = 0x5c
const SEMICOLON = 0x3b
const HASH = 0x23

/**
 * Checks a `{path}` (starting with `/`, without the query) and answers why it must not be
 * forwarded, or undefined when it is safe. Refused:
 * - a segment that is `.` or `..`, written plainly or percent-encoded in any case (`%2e`,
 *   `.%2E`, and `%ef%bc%8e`, a fullwidth full stop that Unicode normalization turns into `.`),
 *   also when followed by `;params` (servlet containers read `..;` as `..`);
 * - `%2F` and `%5C` (an encoded `/` or `\`), which some upstreams decode before splitting;
 * - a raw `\`, which WHATWG URL parsers treat as `/`;
 * - `%25` followed by `2e`, `2f` or `5c`, for upstreams that decode twice;
 * - a raw `#`, which no request target may hold and a URL parser reads as the path's end;
 * - overlong UTF-8 (`%c0%ae`), and `%00`, which ends the path early for some decoders.
 */
export function findUnsafePathPart(path: string): UnsafePathReason | undefined {
  let dots = 0
  let other = false
  let inParams = false
  const length = path.length
  for (let i = 0; i <= length; i++) {
    const c = i === length ? SLASH : path.charCodeAt(i)
    if (c === SLASH) {
      if (!other && (dots === 1 || dots === 2)) return 'dot segment'
      dots = 0
      other = false
      inParams = false
      continue
    }
    if (c === BACKSLASH) return 'backslash'
    if (c === HASH) return 'fragment'
    if (inParams) continue
    if (c === SEMICOLON) {
      if (!other && (dots === 1 || dots === 2)) return 'dot segment'
      inParams = true
      other = true
      continue
    }
    if (c === DOT) {
      dots++
      continue
    }
    if (c === PERCENT) {
      const code = hexPair(path, i + 1)
      if (code === DOT) {
        dots++
        i += 2
        continue
      }
      if (code === SLASH) return 'encoded slash'
      if (code === BACKSLASH) return 'encoded backslash'
      // A NUL ends the path early for upstreams that decode into C strings (`..%00x` as `..`).
      if (code === 0) return 'encoded NUL'
      // Overlong UTF-8 (`%c0%ae` is a dot to some decoders) is never valid; refuse it.
      if (
        code === 0xc0 ||
        code === 0xc1 ||
        (code === 0xe0 && (hexPair(path, i + 4) & 0xe0) === 0x80)
      ) {
        return 'overlong encoding'
      }
      // U+FF0E FULLWIDTH FULL STOP (`%ef%bc%8e`) becomes `.` under Unicode normalization.
      if (code === 0xef && hexPair(path, i + 4) === 0xbc && hexPair(path, i + 7) === 0x8e) {
        dots++
        i += 8
        continue
      }
      if (code === PERCENT) {
        const inner = hexPair(path, i + 3)
        if (inner === DOT || inner === SLASH || inner === BACKSLASH)
          return 'double-encoded character'
      }
    }
    other = true
  }
  return undefined
}

/**
 * Joins the base URL's path (no trailing slash; empty for the host's root) with `{path}` as
 * sent (empty, or starting with `/`) and the query (empty, or starting with `?`). Answers the
 * request target for the upstream, or the reason it is refused. With an empty base path a
 * `{path}` starting with `//` is refused: as a request target it reads as a host to some
 * servers.
 */
export function joinUpstreamPath(
  basePath: string,
  path: string,
  query: string,
): { target: string } | { refused: UnsafePathReason } {
  const unsafe = findUnsafePathPart(path)
  if (unsafe !== undefined) return { refused: unsafe }
  if (basePath === '') {
    if (path.charCodeAt(1) === SLASH) return { refused: 'leading double slash' }
    return { target: (path === '' ? '/' : path) + query }
  }
  return { target: basePath + path + query }
}

/** The base path a base URL's pathname gives: without trailing slashes, `''` for the root. */
export function basePathOf(pathname: string): string {
  let end = pathname.length
  while (end > 0 && pathname.charCodeAt(end - 1) === SLASH) end--
  return pathname.slice(0, end)
}

function hexPair(text: string, at: number): number {
  const high = hexDigit(text.charCodeAt(at))
  const low = hexDigit(text.charCodeAt(at + 1))
  return high < 0 || low < 0 ? -1 : high * 16 + low
}

function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30
  if (c >= 0x41 && c <= 0x46) return c - 0x37
  if (c >= 0x61 && c <= 0x66) return c - 0x57
  return -1
}
