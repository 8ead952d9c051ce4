/**
 * The request log of `mom atlas run` (SPEC section 4): one line per request, in one fixed shape,
 * written from one function: `METHOD ADAPTER PATH STATUS DURATIONms`. The path never carries its
 * query, and no header value ever reaches the log, so a resolved secret cannot either.
 */

/** Where log lines go; a stream's `write` is enough. */
export interface LogSink {
  write(text: string): unknown
}

/**
 * Collects lines and writes them in one `write` per turn of the event loop, so a busy proxy
 * does not pay one system call per request (stderr is synchronous for files and pipes).
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
    if (!this.#scheduled) {
      this.#scheduled = true
      setImmediate(this.#flushSoon)
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
