import { UsageError } from '../errors.js'
import { CurlError, EXIT } from './exit-codes.js'

/**
 * Parses a base URL for `mom curl`: absolute http or https, no query or fragment. A malformed
 * one is curl's exit 3, as a malformed URL given to curl would be.
 */
export function parseBaseUrl(text: string): URL {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new CurlError(EXIT.URL_MALFORMAT)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CurlError(
      EXIT.UNSUPPORTED_PROTOCOL,
      `Protocol "${url.protocol.replace(/:$/, '')}" not supported or disabled in libcurl`,
    )
  }
  url.search = ''
  url.hash = ''
  return url
}

/**
 * The URL a `mom curl` argument names. A path (`/v1/apis/http/heroku/account`, with or without
 * the leading slash) is appended to the base URL's path, never resolved over it, so it cannot
 * climb out of it or change the host. A full URL is accepted only when it already lies under
 * the base URL; any other is refused, because the Atlas credential must not go elsewhere.
 */
export function resolveTarget(base: URL, arg: string): URL {
  // curl refuses spaces and control characters in a URL rather than encoding them.
  if (/[\s\x00-\x1f\x7f]/.test(arg)) throw new CurlError(EXIT.URL_MALFORMAT)
  const basePath = base.pathname.replace(/\/+$/, '')

  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(arg)) {
    let url: URL
    try {
      url = new URL(arg)
    } catch {
      throw new CurlError(EXIT.URL_MALFORMAT)
    }
    const under =
      url.origin === base.origin &&
      (url.pathname === basePath || url.pathname.startsWith(basePath + '/'))
    if (!under) {
      throw new UsageError(
        `refusing to send the Atlas credential to ${url.origin}${url.pathname}, which is not under ${base.origin}${basePath}`,
        {
          code: 'FOREIGN_URL',
          hint: 'pass a path such as /v1/apis/http/NAME/..., or choose the Atlas with --base-url',
        },
      )
    }
    return url
  }

  const path = arg.startsWith('/') ? arg : `/${arg}`
  let url: URL
  try {
    url = new URL(base.origin + basePath + path)
  } catch {
    throw new CurlError(EXIT.URL_MALFORMAT)
  }
  // Dot segments are resolved as curl resolves them; they may not climb above the base path.
  if (basePath && url.pathname !== basePath && !url.pathname.startsWith(basePath + '/')) {
    throw new UsageError(`path "${arg}" climbs above the base URL's path ${basePath}`, {
      code: 'PATH_ESCAPES',
    })
  }
  return url
}
