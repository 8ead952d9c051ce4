/**
 * Splits a multi-document YAML text into its documents without parsing them, and reads the few
 * top-level fields mom needs (apiVersion, metadata.name) straight from the lines. A big file has
 * thousands of adapter documents; composing each one would cost far more than the edit itself,
 * so only documents that need it are composed (see atlas-file.ts).
 */

/** One document's share of the text: `[start, end)`, including its markers and comments. */
export interface DocumentChunk {
  start: number
  end: number
}

/** A scalar read from a line: its string value and where it starts. */
export interface LineScalar {
  value: string
  offset: number
}

/** What a line scan can tell about a document; `undefined` fields were not found that way. */
export interface ScannedFields {
  apiVersion?: LineScalar
  kind?: LineScalar
  name?: LineScalar
  /** Whether the scan is sure of what it read; when false the document must be composed. */
  isSure: boolean
}

// A document marker is `---` or `...` at the start of a line, followed by white space or the
// line's end. YAML forbids such a line inside any scalar, so no parsing is needed to find them.
const MARKER = /^(?:---|\.\.\.)(?=[ \t\r\n]|$)/gm
const CONTENT_LINE = /^(?![ \t]*(?:#.*)?\r?$)(?!%)/m

/**
 * The documents of `text`, in order and covering it whole. Comments and directives between
 * documents go with the document that follows (or the one before, at the end of the file).
 */
export function splitDocuments(text: string): DocumentChunk[] {
  const cuts: number[] = [0]
  for (const match of text.matchAll(MARKER)) {
    const at = match.index
    if (match[0] === '---') cuts.push(at)
    else {
      const lineEnd = text.indexOf('\n', at)
      cuts.push(lineEnd === -1 ? text.length : lineEnd + 1)
    }
  }
  cuts.push(text.length)

  const pieces: DocumentChunk[] = []
  for (let i = 0; i + 1 < cuts.length; i++) {
    const start = cuts[i]!
    const end = cuts[i + 1]!
    if (end > start) pieces.push({ start, end })
  }

  // Pieces without content (blank, comment and directive lines) join a neighbour.
  const chunks: DocumentChunk[] = []
  let pending: number | undefined
  for (const piece of pieces) {
    const opensDocument = text.startsWith('---', piece.start) || hasContent(text, piece)
    if (!opensDocument) {
      if (pending === undefined) pending = piece.start
      continue
    }
    chunks.push({ start: pending ?? piece.start, end: piece.end })
    pending = undefined
  }
  if (pending !== undefined) {
    const last = chunks.at(-1)
    if (last) last.end = text.length
    else chunks.push({ start: pending, end: text.length })
  }
  return chunks
}

function hasContent(text: string, chunk: DocumentChunk): boolean {
  return CONTENT_LINE.test(text.slice(chunk.start, chunk.end))
}

const TOP_KEY = /^(apiVersion|kind|metadata)[ \t]*:(?=[ \t\r\n]|$)[ \t]*([^\r\n]*)/gm

/**
 * Reads apiVersion, kind and metadata.name of a document whose root is a block mapping at
 * column 0, as nearly every configuration file writes it. Anything it cannot read for certain
 * (flow mappings, quoted keys, escapes, a key seen twice) leaves `isSure` false.
 */
export function scanDocumentFields(text: string, chunk: DocumentChunk): ScannedFields {
  const fields: ScannedFields = { isSure: true }
  TOP_KEY.lastIndex = chunk.start
  for (
    let match = TOP_KEY.exec(text);
    match && match.index < chunk.end;
    match = TOP_KEY.exec(text)
  ) {
    const key = match[1] as 'apiVersion' | 'kind' | 'metadata'
    const rest = match[2]!
    const valueOffset = match.index + match[0].length - rest.length
    if (key === 'metadata') {
      if (fields.name !== undefined || !/^(?:#.*)?$/.test(rest.trimEnd())) return unsure(fields)
      const name = scanChildScalar(text, TOP_KEY.lastIndex, chunk.end, 'name')
      if (name === null) return unsure(fields)
      if (name) fields.name = name
      continue
    }
    if (fields[key] !== undefined) return unsure(fields)
    const value = readLineScalar(rest, valueOffset)
    if (!value) return unsure(fields)
    fields[key] = value
  }
  if (fields.apiVersion === undefined) fields.isSure = false
  return fields
}

function unsure(fields: ScannedFields): ScannedFields {
  fields.isSure = false
  return fields
}

/**
 * Finds `key: value` among the direct children of the block mapping starting on the line at
 * `from`. Returns undefined when the mapping has no such key, null when the lines are not plain
 * enough to be sure.
 */
function scanChildScalar(
  text: string,
  from: number,
  end: number,
  key: string,
): LineScalar | undefined | null {
  let indent = -1
  let found: LineScalar | undefined
  for (let at = text.indexOf('\n', from) + 1; at > 0 && at < end;) {
    const lineStart = at
    const next = text.indexOf('\n', at)
    const lineEnd = next === -1 || next > end ? end : next
    const line = text.slice(lineStart, lineEnd).replace(/\r$/, '')
    at = next === -1 ? end : next + 1
    const trimmed = line.trimStart()
    if (trimmed === '' || trimmed.startsWith('#')) continue
    const lineIndent = line.length - trimmed.length
    if (/\t/.test(line.slice(0, lineIndent))) return null
    if (indent === -1) {
      if (lineIndent === 0) return undefined
      indent = lineIndent
    }
    if (lineIndent < indent) break
    if (lineIndent > indent) continue
    const match = /^([A-Za-z0-9_-]+)[ \t]*:(?=[ \t]|$)[ \t]*(.*)$/.exec(trimmed)
    if (!match) return null
    if (match[1] !== key) continue
    if (found) return null
    const rest = match[2]!
    found = readLineScalar(rest, lineStart + lineIndent + match[0].length - rest.length)
    if (!found) return null
  }
  return found
}

/**
 * Reads a whole-line scalar value: plain (up to a ` #` comment), or single- or double-quoted
 * without escapes. Returns undefined for anything else (empty, flow, block, anchors, escapes).
 */
function readLineScalar(rest: string, offset: number): LineScalar | undefined {
  const text = rest.replace(/\r$/, '')
  if (text.startsWith('"') || text.startsWith("'")) {
    const quote = text[0]!
    const close = text.indexOf(quote, 1)
    if (close === -1) return undefined
    const inner = text.slice(1, close)
    if (quote === '"' && inner.includes('\\')) return undefined
    if (quote === "'" && text[close + 1] === "'") return undefined
    const after = text.slice(close + 1)
    if (!/^(?:[ \t]+(?:#.*)?)?$/.test(after)) return undefined
    return { value: inner, offset }
  }
  const value = text.replace(/(?:^|[ \t]+)#.*$/, '').trimEnd()
  if (value === '' || /^[[\]{}&*!|>%@`'"#]/.test(value) || /: |:$/.test(value)) return undefined
  return { value, offset }
}
