import { MomError } from '../errors.js'

/** Where `mom` points when neither --base-url nor MOM_BASE_URL says otherwise. */
export const DEFAULT_BASE_URL = 'https://atlas.moment.dev'

/** The base URL a command means: the flag, else `MOM_BASE_URL`, else the default Atlas. */
export function chooseBaseUrl(
  flag: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): string {
  return flag ?? (env.MOM_BASE_URL || DEFAULT_BASE_URL)
}

/**
 * The token piped to `mom auth login --with-token`: one trailing newline (LF or CRLF) is
 * dropped; an empty token or one with a line break inside is refused.
 */
export function parsePipedToken(input: string): string {
  const token = input.replace(/\r?\n$/, '')
  if (token.trim() === '') {
    throw new MomError('no token on standard input', {
      code: 'EMPTY_TOKEN',
      hint: "pipe it in, as in 'mom auth login --with-token < token.txt'",
    })
  }
  if (/[\r\n]/.test(token)) {
    throw new MomError('the token on standard input spans several lines', {
      code: 'MULTILINE_TOKEN',
      hint: 'give one token on one line',
    })
  }
  return token
}
