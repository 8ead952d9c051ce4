/** What the meter knows about a transfer at one moment; sizes are undefined while unknown. */
export interface Progress {
  downloadTotal?: number
  downloaded: number
  uploadTotal?: number
  uploaded: number
}

const HEADER =
  '  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current\n' +
  '                                 Dload  Upload   Total   Spent    Left  Speed\n'

/**
 * curl's progress meter (curl(1), PROGRESS METER): two header lines, then one line redrawn with
 * `\r` when the transfer starts, at most once a second while it runs, and when it ends.
 */
export class ProgressMeter {
  readonly #write: (text: string) => void
  readonly #now: () => number
  #started = 0
  #running = false
  #headerShown = false
  #timer: NodeJS.Timeout | undefined
  #progress: Progress = { downloaded: 0, uploaded: 0 }
  #speedMark = { at: 0, downloaded: 0, uploaded: 0 }
  #currentSpeed = 0

  constructor(write: (text: string) => void, now: () => number) {
    this.#write = write
    this.#now = now
  }

  start(): void {
    this.#started = this.#now()
    this.#running = true
    this.#progress = { downloaded: 0, uploaded: 0 }
    this.#speedMark = { at: this.#started, downloaded: 0, uploaded: 0 }
    // The header comes once; each retry starts again from a fresh line.
    if (!this.#headerShown) this.#write(HEADER)
    this.#headerShown = true
    this.#draw()
    this.#timer = setInterval(() => this.#draw(), 1000)
    this.#timer.unref()
  }

  update(progress: Partial<Progress>): void {
    this.#progress = { ...this.#progress, ...progress }
  }

  /** Draws the line for a request that has ended (one per redirect hop) and ends it. */
  endLine(): void {
    if (!this.#running) return
    this.#draw()
    this.#write('\n')
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer)
    this.#timer = undefined
    this.#running = false
  }

  #draw(): void {
    const now = this.#now()
    const { downloadTotal, downloaded, uploadTotal, uploaded } = this.#progress
    const seconds = Math.max((now - this.#started) / 1000, 1e-6)
    const dlSpeed = Math.floor(downloaded / seconds)
    const ulSpeed = Math.floor(uploaded / seconds)
    // The current speed is the average in the first second, then that of the last second.
    const window = (now - this.#speedMark.at) / 1000
    if (this.#speedMark.at === this.#started) this.#currentSpeed = Math.max(dlSpeed, ulSpeed)
    else if (window > 0) {
      const moved = downloaded - this.#speedMark.downloaded + uploaded - this.#speedMark.uploaded
      this.#currentSpeed = Math.floor(moved / window)
    }
    if (window >= 1) this.#speedMark = { at: now, downloaded, uploaded }

    // Unknown sizes count as what has moved so far, as curl's total estimate does.
    const total = (downloadTotal ?? downloaded) + (uploadTotal ?? uploaded)
    const percent = (part: number, whole: number | undefined) =>
      whole ? Math.floor((part * 100) / whole) : 0
    const speed = Math.max(dlSpeed, ulSpeed)
    const estimate = speed > 0 && total > 0 ? Math.floor(total / speed) : 0
    const spent = Math.floor(seconds)
    const left = estimate > spent ? estimate - spent : 0

    this.#write(
      '\r' +
        `${pad3(percent(downloaded + uploaded, total))} ${max5(total)}  ` +
        `${pad3(percent(downloaded, downloadTotal))} ${max5(downloaded)}  ` +
        `${pad3(percent(uploaded, uploadTotal))} ${max5(uploaded)}  ` +
        `${max5(dlSpeed)}  ${max5(ulSpeed)} ` +
        `${clock(estimate)} ${clock(spent)} ${clock(left)} ${max5(this.#currentSpeed)}`,
    )
  }
}

function pad3(n: number): string {
  return String(n).padStart(3)
}

/** A size in five characters, as curl writes it: 12345, 1234k, 12.3M, 1234M, 12.3G. */
export function max5(bytes: number): string {
  const k = 1024
  const m = k * k
  const g = m * k
  if (bytes < 100000) return String(bytes).padStart(5)
  if (bytes < 10000 * k) return `${String(Math.floor(bytes / k)).padStart(4)}k`
  if (bytes < 100 * m)
    return `${String(Math.floor(bytes / m)).padStart(2)}.${Math.floor((bytes % m) / (m / 10))}M`
  if (bytes < 10000 * m) return `${String(Math.floor(bytes / m)).padStart(4)}M`
  if (bytes < 100 * g)
    return `${String(Math.floor(bytes / g)).padStart(2)}.${Math.floor((bytes % g) / (g / 10))}G`
  return `${String(Math.floor(bytes / g)).padStart(4)}G`
}

/** Seconds as curl's meter shows them: `--:--:--` for none, else `H:MM:SS`. */
export function clock(seconds: number): string {
  if (seconds <= 0) return '--:--:--'
  const h = Math.floor(seconds / 3600)
  const m = Math.floor((seconds % 3600) / 60)
  const s = seconds % 60
  return `${String(h).padStart(2)}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`
}
