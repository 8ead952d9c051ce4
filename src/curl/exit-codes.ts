/**
 * curl's exit codes (libcurl-errors(3)) and the messages curl prints for them, the ones `mom
 * curl` can produce. Codes are curl's, so scripts written for curl keep working; 4 is mom's own
 * for a missing credential (curl uses it for a feature not built in, which mom never reports).
 */
export const EXIT = {
  UNSUPPORTED_PROTOCOL: 1,
  USAGE: 2,
  URL_MALFORMAT: 3,
  NO_CREDENTIAL: 4,
  COULDNT_RESOLVE_HOST: 6,
  COULDNT_CONNECT: 7,
  WEIRD_SERVER_REPLY: 8,
  PARTIAL_FILE: 18,
  HTTP_RETURNED_ERROR: 22,
  WRITE_ERROR: 23,
  READ_ERROR: 26,
  OPERATION_TIMEDOUT: 28,
  SSL_CONNECT_ERROR: 35,
  BAD_FUNCTION_ARGUMENT: 43,
  TOO_MANY_REDIRECTS: 47,
  GOT_NOTHING: 52,
  SEND_ERROR: 55,
  RECV_ERROR: 56,
  BAD_CONTENT_ENCODING: 61,
  PEER_FAILED_VERIFICATION: 60,
  SSL_CACERT_BADFILE: 77,
} as const

export type ExitName = keyof typeof EXIT

/** curl's default message for each code, used when nothing more specific is known. */
export const EXIT_MESSAGES: Readonly<Record<number, string>> = {
  1: 'Unsupported protocol',
  2: 'Failed initialization',
  3: 'URL using bad/illegal format or missing URL',
  4: 'no credential for this Atlas',
  6: "Couldn't resolve host name",
  7: "Couldn't connect to server",
  8: 'Weird server reply',
  18: 'Transferred a partial file',
  22: 'The requested URL returned error',
  23: 'Failure writing output to destination',
  26: 'Failed to open/read local data from file/application',
  28: 'Timeout was reached',
  35: 'SSL connect error',
  43: 'A libcurl function was given a bad argument',
  47: 'Number of redirects hit maximum amount',
  52: 'Empty reply from server',
  55: 'Failed sending data to the peer',
  56: 'Failure when receiving data from the peer',
  60: 'SSL peer certificate or SSH remote key was not OK',
  61: 'Unrecognized or bad HTTP Content or Transfer-Encoding',
  77: 'Problem with the SSL CA cert (path? access rights?)',
}

/** A failed transfer: curl's exit code and the text curl prints after `curl: (N) `. */
export class CurlError extends Error {
  readonly exitCode: number

  constructor(exitCode: number, message = EXIT_MESSAGES[exitCode] ?? `error ${exitCode}`) {
    super(message)
    this.name = 'CurlError'
    this.exitCode = exitCode
  }

  /** The line as curl words it, without a program prefix: `(7) Failed to connect …`. */
  toLine(): string {
    return `(${this.exitCode}) ${this.message}`
  }
}
