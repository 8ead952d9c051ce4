/**
 * `${{ NAME }}` references to environment variables inside strings (SPEC section 1). NAME is
 * `[A-Za-z_][A-Za-z0-9_]*`, spaces or tabs around it are optional, and anything else that starts
 * with `${{` is malformed. Editing commands only check them; `atlas run` resolves them.
 */

const OPEN = '${{'
const CLOSE = '}}'
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/

export interface Reference {
  /** The environment variable's name. */
  name: string
  /** Offsets of the whole `${{ … }}` in the string, end exclusive. */
  start: number
  end: number
}

/** A `${{` that does not begin a valid reference; `index` is where it starts in the string. */
export class ReferenceSyntaxError extends Error {
  constructor(
    readonly index: number,
    readonly reason: string,
  ) {
    super(reason)
    this.name = 'ReferenceSyntaxError'
  }
}

/** Every reference in `text`, in order; throws ReferenceSyntaxError at the first malformed one. */
export function findReferences(text: string): Reference[] {
  const references: Reference[] = []
  for (let start = text.indexOf(OPEN); start !== -1; start = text.indexOf(OPEN, start)) {
    const close = text.indexOf(CLOSE, start + OPEN.length)
    if (close === -1) throw new ReferenceSyntaxError(start, 'unclosed "${{"; expected "${{ NAME }}"')
    const name = text.slice(start + OPEN.length, close).replace(/^[ \t]+|[ \t]+$/g, '')
    if (!NAME.test(name)) {
      throw new ReferenceSyntaxError(
        start,
        'malformed "${{ }}" reference; expected "${{ NAME }}" with NAME made of letters, digits and "_", not starting with a digit',
      )
    }
    const end = close + CLOSE.length
    references.push({ name, start, end })
    start = end
  }
  return references
}

/** Whether `text` holds at least one reference (and no malformed one). */
export function hasReference(text: string): boolean {
  return findReferences(text).length > 0
}

/**
 * Replaces each reference with the variable's value. Names that have no value are collected in
 * `missing` (each once) and replaced by nothing; callers refuse to go on when any are missing.
 */
export function resolveReferences(
  text: string,
  env: Readonly<Record<string, string | undefined>>,
): { value: string; missing: string[] } {
  const missing: string[] = []
  let value = ''
  let at = 0
  for (const ref of findReferences(text)) {
    const resolved = env[ref.name]
    if (resolved === undefined) {
      if (!missing.includes(ref.name)) missing.push(ref.name)
    }
    value += text.slice(at, ref.start) + (resolved ?? '')
    at = ref.end
  }
  return { value: value + text.slice(at), missing }
}
