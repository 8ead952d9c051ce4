/** How each kind of JSON token is painted; identity functions give plain indented text. */
export interface JsonPaint {
  key(text: string): string
  string(text: string): string
  number(text: string): string
  literal(text: string): string
  punctuation(text: string): string
}

/**
 * A JSON body as a terminal shows it: two-space indent, painted tokens, one final newline.
 * Answers undefined when the text is not JSON, so the caller can print it unchanged.
 */
export function prettyJson(text: string, paint: JsonPaint): string | undefined {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return undefined
  }
  return render(value, paint, '') + '\n'
}

function render(value: unknown, paint: JsonPaint, indent: string): string {
  if (value === null || typeof value === 'boolean') return paint.literal(String(value))
  if (typeof value === 'number') return paint.number(JSON.stringify(value))
  if (typeof value === 'string') return paint.string(JSON.stringify(value))
  const inner = indent + '  '
  if (Array.isArray(value)) {
    if (value.length === 0) return paint.punctuation('[]')
    const items = value.map((item) => inner + render(item, paint, inner))
    return `${paint.punctuation('[')}\n${items.join(`${paint.punctuation(',')}\n`)}\n${indent}${paint.punctuation(']')}`
  }
  const entries = Object.entries(value as Record<string, unknown>)
  if (entries.length === 0) return paint.punctuation('{}')
  const items = entries.map(
    ([key, item]) =>
      `${inner}${paint.key(JSON.stringify(key))}${paint.punctuation(':')} ${render(item, paint, inner)}`,
  )
  return `${paint.punctuation('{')}\n${items.join(`${paint.punctuation(',')}\n`)}\n${indent}${paint.punctuation('}')}`
}
