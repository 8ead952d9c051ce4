/**
 * Composing a big Atlas document without parsing every item of its `spec.adapters`. The YAML
 * library takes about a millisecond per adapterRef item, and a list of thousands would dominate
 * an edit; so all but the last items are left out. Where the list's lines are plain enough, they
 * are read from lines (list-scan.ts) and cut out of the text before parsing, keeping what mom
 * needs from them (their names and dash offsets); otherwise the whole document is composed.
 */
import { Composer, CST, Parser, type Document } from 'yaml'

import { scanAdapterList } from './list-scan.js'
import { isPlainBlockYaml } from './plain-yaml.js'
import { columnOf, lineStart } from './source.js'

/** An adapterRef name read from tokens, at an offset in the document's text. */
export interface TokenName {
  name: string
  offset: number
}

/** The document composed with the first `omitted` items of spec.adapters left out. */
export interface Skeleton {
  doc: Document.Parsed
  /** The text `doc` was composed from: the document's text, or it without the cut lines. */
  text: string
  /** Lines cut out of the text before composing: offsets at or after `start` shift by `length`. */
  cut?: { start: number; length: number }
  /** How many leading items were left out (0 when the document was composed whole). */
  omitted: number
  /** Names of the left-out items' adapterRefs. */
  names: TokenName[]
  /** Offsets of the dash of every item of spec.adapters, left out or not. */
  dashes: number[]
  /** How many documents the text held; anything but 1 is for the caller to refuse. */
  documentCount: number
}

const OPTIONS = { keepSourceTokens: true, prettyErrors: false, strict: true } as const

/**
 * Parses `text` (one document) and composes it, leaving out all but the last `keep` items of
 * spec.adapters when the whole document is plain YAML (plain-yaml.ts), which is then valid by
 * construction. Anything else is composed whole, so that the library reports every fault in it.
 */
export function composeSkeleton(text: string, keep: number): Skeleton {
  if (Number.isFinite(keep)) {
    const cut = composeWithCut(text, keep)
    if (cut) return cut
  }
  const tokens = [...new Parser().parse(text)]
  const documentCount = tokens.filter((t) => t.type === 'document').length
  const document = tokens.find((t): t is CST.Document => t.type === 'document')
  const seq = document ? findAdaptersSeq(document) : undefined
  const dashes = seq ? dashOffsets(seq) : []
  return { doc: compose(tokens, text), text, omitted: 0, names: [], dashes, documentCount }
}

/** The offset in the document's text of an offset in `skeleton.text`. */
export function toDocumentOffset(skeleton: Skeleton, offset: number): number {
  return skeleton.cut && offset >= skeleton.cut.start ? offset + skeleton.cut.length : offset
}

// The fastest way: the left-out items are read from lines (list-scan.ts) and their lines cut
// out, so the parser never sees them. The parsed rest must agree with the scan.
function composeWithCut(text: string, keep: number): Skeleton | undefined {
  const scanned = scanAdapterList(text)
  if (!scanned || scanned.dashes.length <= keep) return undefined
  const omitted = scanned.dashes.length - keep
  const start = lineStart(text, scanned.dashes[0]!)
  const length = lineStart(text, scanned.dashes[omitted]!) - start
  // The cut lines are never parsed, so they must be plain YAML (plain-yaml.ts), valid by
  // construction; the rest of the document is parsed and composed as usual.
  if (!isPlainList(text, start, start + length, columnOf(text, scanned.dashes[0]!)))
    return undefined
  const reduced = text.slice(0, start) + text.slice(start + length)
  const tokens = [...new Parser().parse(reduced)]
  const documents = tokens.filter((t): t is CST.Document => t.type === 'document')
  const seq = documents.length === 1 ? findAdaptersSeq(documents[0]!) : undefined
  const kept = seq ? dashOffsets(seq).map((dash) => dash + length) : []
  if (kept.length !== keep || kept.some((dash, i) => dash !== scanned.dashes[omitted + i]))
    return undefined
  const names = scanned.names
    .slice(0, omitted)
    .filter((name): name is TokenName => name !== undefined)
  return {
    doc: compose(tokens, reduced),
    text: reduced,
    cut: { start, length },
    omitted,
    names,
    dashes: scanned.dashes,
    documentCount: 1,
  }
}

/**
 * Whether the lines from `start` to `end`, items of a block list whose dashes stand at `column`,
 * are plain YAML: checked as a document of their own, shifted left by `column`.
 */
function isPlainList(text: string, start: number, end: number, column: number): boolean {
  const lines = text.slice(start, end).split('\n')
  const shifted: string[] = []
  for (const line of lines) {
    const body = line.trimStart()
    if (body === '' || body === '\r' || body.startsWith('#')) continue
    if (line.length - body.length < column) return false
    const own = line.slice(column)
    if (/^(?:---|\.\.\.)/.test(own)) return false
    shifted.push(own)
  }
  const list = shifted.join('\n')
  return isPlainBlockYaml(list, 0, list.length)
}

function dashOffsets(seq: CST.BlockSequence): number[] {
  return seq.items.flatMap((item) =>
    item.start.filter((t) => t.type === 'seq-item-ind').map((t) => t.offset),
  )
}

function compose(tokens: CST.Token[], text: string): Document.Parsed {
  const composer = new Composer(OPTIONS)
  let doc: Document.Parsed | undefined
  for (const next of composer.compose(tokens, true, text.length)) {
    if (!doc) doc = next
    else {
      // More than one document in the text: let parseDocument's own error say so.
      break
    }
  }
  return doc!
}

function findAdaptersSeq(document: CST.Document): CST.BlockSequence | undefined {
  const spec = mapValue(document.value, 'spec')
  const adapters = mapValue(spec, 'adapters')
  return adapters?.type === 'block-seq' ? adapters : undefined
}

/** The value of `key` in a block or flow mapping token. */
function mapValue(token: CST.Token | undefined, key: string): CST.Token | undefined {
  if (!token) return undefined
  const items =
    token.type === 'block-map' ? token.items : token.type === 'flow-collection' ? token.items : []
  if (token.type === 'flow-collection' && token.start.source !== '{') return undefined
  for (const item of items) {
    if (item.key && scalarValue(item.key) === key) return item.value
  }
  return undefined
}

function scalarValue(token: CST.Token): string | undefined {
  if (
    token.type !== 'scalar' &&
    token.type !== 'single-quoted-scalar' &&
    token.type !== 'double-quoted-scalar'
  ) {
    return undefined
  }
  // Most keys and names are plain one-line scalars whose source is their value.
  if (token.type === 'scalar' && !/[\n\r\t#\\]/.test(token.source)) return token.source
  return CST.resolveAsScalar(token)?.value
}
