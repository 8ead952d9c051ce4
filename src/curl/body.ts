import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib'
import type { Transform } from 'node:stream'

import { CurlError, EXIT } from './exit-codes.js'

/** A place bytes can go: standard output or a file opened by -o or -D. */
export interface Sink {
  /** Answers false when the caller should wait for `drain()` before writing more. */
  write(chunk: Buffer | string): boolean
  /** Resolves when the sink can take more, or when it has failed or closed. */
  drain(): Promise<void>
  /** Resolves once everything written has been flushed (files are closed). */
  end(): Promise<void>
}

/** Where the body (and, with -i or -I, the headers) goes; a file is opened at the first byte. */
export class Output {
  #sink: Sink | undefined
  #opening: Promise<Sink> | undefined
  readonly #path: string | undefined
  readonly #stdout: Sink
  readonly #openFile: (path: string) => Promise<Sink>

  /** `path` is the -o or -D value; undefined or `-` means standard output. */
  constructor(path: string | undefined, stdout: Sink, openFile: (path: string) => Promise<Sink>) {
    this.#path = path === '-' ? undefined : path
    this.#stdout = stdout
    this.#openFile = openFile
  }

  get isStdout(): boolean {
    return this.#path === undefined
  }

  async sink(): Promise<Sink> {
    if (this.#sink) return this.#sink
    if (this.#path === undefined) return (this.#sink = this.#stdout)
    this.#opening ??= this.#openFile(this.#path)
    this.#sink = await this.#opening
    return this.#sink
  }

  async close(): Promise<void> {
    if (this.#sink && this.#sink !== this.#stdout) await this.#sink.end()
  }
}

const HIGH_WATER = 1 << 20

export interface BodyWriterOptions {
  /** Refuse a body with NUL bytes, as curl does when it would land on a terminal. */
  guardTerminal: boolean
  /** Called once when binary bytes are refused. */
  onBinary(): void
  /** Called when writing fails (a closed pipe, a full disk), to end the transfer. */
  onFailure(): void
}

/**
 * One response's bytes on their way to an Output, in order. Past a high-water mark of queued
 * bytes `paused` turns true until the destination drains, so a large download never piles up
 * in memory; `bufferForPretty()` holds the body back to be printed as a whole.
 */
export class BodyWriter {
  readonly #output: Output
  readonly #options: BodyWriterOptions
  #guard: boolean
  #queued = 0
  #paused = false
  #resume: (() => void) | undefined
  #chain: Promise<void> = Promise.resolve()
  #pretty: Buffer[] | undefined
  refused = false

  constructor(output: Output, options: BodyWriterOptions) {
    this.#output = output
    this.#options = options
    this.#guard = options.guardTerminal
  }

  /** The response source must wait for `resume` before sending more. */
  get paused(): boolean {
    return this.#paused
  }

  set resume(fn: () => void) {
    this.#resume = fn
  }

  bufferForPretty(): void {
    this.#pretty = []
  }

  /** Response body bytes, subject to the terminal guard and pretty-printing. */
  writeBody(chunk: Buffer): void {
    if (this.#pretty) return void this.#pretty.push(chunk)
    if (this.refused) return
    if (this.#guard && chunk.includes(0)) {
      this.#guard = false
      this.refused = true
      this.#options.onBinary()
      return
    }
    this.writeRaw(chunk)
  }

  /** Bytes written as they are (the header block of -i). */
  writeRaw(chunk: Buffer): void {
    this.#queued += chunk.length
    this.#chain = this.#chain.then(async () => {
      const sink = await this.#output.sink()
      if (!sink.write(chunk)) await sink.drain()
      this.#queued -= chunk.length
      if (this.#paused && this.#queued < HIGH_WATER / 2) {
        this.#paused = false
        this.#resume?.()
      }
    })
    this.#chain.catch(() => this.#options.onFailure())
    if (this.#queued > HIGH_WATER) this.#paused = true
  }

  /** Writes a held-back body, pretty when `format` makes something of it, else unchanged. */
  finishPretty(format: (text: string) => string | undefined): void {
    if (!this.#pretty) return
    const raw = Buffer.concat(this.#pretty)
    this.#pretty = undefined
    const shown = format(raw.toString('utf8'))
    if (shown === undefined) this.writeBody(raw)
    else this.writeRaw(Buffer.from(shown))
  }

  /** Resolves when everything has been written; rejects when a write failed. */
  done(): Promise<void> {
    return this.#chain
  }
}

/**
 * A decoder for a Content-Encoding mom asked for with --compressed, feeding `onData`; undefined
 * for an encoding it did not ask for, whose bytes pass through unchanged.
 */
export function startDecoder(
  encoding: string,
  onData: (chunk: Buffer) => void,
): { decoder: Transform; done: Promise<void> } | undefined {
  const name = encoding.trim().toLowerCase()
  const decoder =
    name === 'gzip' || name === 'x-gzip'
      ? createGunzip()
      : name === 'deflate'
        ? createInflate()
        : name === 'br'
          ? createBrotliDecompress()
          : undefined
  if (!decoder) return undefined
  const done = new Promise<void>((resolve, reject) => {
    decoder.on('data', onData)
    decoder.on('end', resolve)
    decoder.on('error', (error) =>
      reject(
        new CurlError(
          EXIT.BAD_CONTENT_ENCODING,
          `Error while processing content unencoding: ${error.message}`,
        ),
      ),
    )
  })
  done.catch(() => undefined)
  return { decoder, done }
}
