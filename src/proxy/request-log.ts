/**
 * The request log of `mom atlas run` (SPEC section 4): one line per request, in one fixed shape,
 * written from one function: `METHOD ADAPTER PATH STATUS DURATIONms`. The path never carries its
 * query, and no header value ever reaches the log, so a resolved secret cannot either.
 */

/** Where log lines go; a stream's `write` is enough. */
export interface LogSink {
  write(text: string): unknown
}

/** How long a line may wait to be written, and how much may wait before a write at once. */
const FLUSH_AFTER_MS = 20
const FLUSH_AT_CHARS = 32 * 1024

/**
 * Collects lines and writes them together at most `FLUSH_AFTER_MS` later (or once 32 KB are
 * pending), so a busy proxy does not pay a system call per request: stderr is synchronous for
 * files and pipes, and at low concurrency a write per event-loop turn is a write per request.
 */
export class RequestLog {
  readonly #sink: LogSink
  #pending = ''
  #scheduled = false

  constructor(sink: LogSink) {
    this.#sink = sink
  }

  /**
   * Records one request. `adapter` is `-` for Atlas's own routes; `path` is cut at `?` here, so
   * no caller can log a query by mistake; `status` 499 means the client went away first.
   */
  record(method: string, adapter: string, path: string, status: number, durationMs: number): void {
    const query = path.indexOf('?')
    const shown = query === -1 ? path : path.slice(0, query)
    this.#pending += `${method} ${adapter} ${shown} ${status} ${durationMs.toFixed(1)}ms\n`
    if (this.#pending.length >= FLUSH_AT_CHARS) return this.flush()
    if (!this.#scheduled) {
      this.#scheduled = true
      // unref: a pending line never keeps the process alive; stopping calls flush().
      setTimeout(this.#flushSoon, FLUSH_AFTER_MS).unref()
    }
  }

  /** Writes what is pending now; called on stop so that no line is lost. */
  flush(): void {
    if (this.#pending === '') return
    const text = this.#pending
    this.#pending = ''
    this.#sink.write(text)
  }

  readonly #flushSoon = (): void => {
    this.#scheduled = false
    this.flush()
  }
}
