/** Where in a file a fault is; line and column count from 1 and ignore a byte order mark. */
export interface FileLocation {
  file: string
  line?: number
  column?: number
}

export interface MomErrorOptions {
  /** A stable name for tests and callers to branch on, such as `ADAPTER_EXISTS`. */
  code?: string
  /** What to do about it; printed after the message, following a semicolon. */
  hint?: string
  location?: FileLocation
  exitCode?: number
  cause?: unknown
}

/**
 * A failure mom reports to the user: one line, `mom: ` in front, no stack trace. Only `main.ts`
 * prints these and picks the exit code (1 unless the error says otherwise).
 */
export class MomError extends Error {
  readonly code: string
  readonly hint: string | undefined
  readonly location: FileLocation | undefined
  readonly exitCode: number

  constructor(message: string, options: MomErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'MomError'
    this.code = options.code ?? 'ERROR'
    this.hint = options.hint
    this.location = options.location
    this.exitCode = options.exitCode ?? 1
  }

  /** The line the user sees, without the `mom: ` prefix. */
  toLine(): string {
    const where = this.location ? formatLocation(this.location) + ': ' : ''
    const hint = this.hint ? `; ${this.hint}` : ''
    return where + this.message + hint
  }
}

/** The command line itself is malformed: exit 2, as for an unknown flag. */
export class UsageError extends MomError {
  constructor(message: string, options: Omit<MomErrorOptions, 'exitCode'> = {}) {
    super(message, { code: 'USAGE', ...options, exitCode: 2 })
    this.name = 'UsageError'
  }
}

/** A check that should never fail did; nothing was written. */
export class InternalError extends MomError {
  constructor(message: string, options: Omit<MomErrorOptions, 'exitCode'> = {}) {
    super(`internal error: ${message}`, {
      code: 'INTERNAL',
      hint: 'nothing was written; run with MOM_DEBUG=1 for details',
      ...options,
    })
    this.name = 'InternalError'
  }
}

/** The command has already said what went wrong (as curl does); just exit with this code. */
export class ExitCode extends Error {
  constructor(readonly exitCode: number) {
    super(`exit ${exitCode}`)
    this.name = 'ExitCode'
  }
}

export function formatLocation({ file, line, column }: FileLocation): string {
  if (line === undefined) return file
  return column === undefined ? `${file}:${line}` : `${file}:${line}:${column}`
}
