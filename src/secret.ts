import { inspect } from 'node:util'

const REDACTED = '<redacted>'

/**
 * A credential or resolved `${{ }}` value. Every way of turning it into text by accident
 * (template strings, JSON, console.log, util.inspect) gives `<redacted>`; `reveal()` is the one
 * deliberate way out, used only where the value goes on the wire.
 */
export class Secret {
  readonly #value: string

  constructor(value: string) {
    this.#value = value
  }

  reveal(): string {
    return this.#value
  }

  toString(): string {
    return REDACTED
  }

  toJSON(): string {
    return REDACTED
  }

  [inspect.custom](): string {
    return REDACTED
  }
}
