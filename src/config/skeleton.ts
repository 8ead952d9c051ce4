/**
 * Composing a big Atlas document without parsing every item of its `spec.adapters`. The YAML
 * library takes about a millisecond per adapterRef item, and a list of thousands would dominate
 * an edit; so all but the last items are left out. Where the list's lines are plain enough, they
 * are read from lines (list-scan.ts) and cut out of the text before parsing; otherwise the whole
 * document is parsed and only composing skips them. Either way, what mom needs from the
 * left-out items (their names and dash offsets) is kept.
 */
import { Composer, CST, Parser, type Document } from 'yaml'

import { scanAdapterList } from './list-scan.js'
import { isPlainBlockYaml } from './plain-yaml.js'

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

// LIMITATION: in a file over COMPOSE_ALL_LIMIT whose Atlas document is not plain YAML (see
// plain-yaml.ts: anchors, block scalars, multi-line flow collections and the like), a key given
// twice inside a left-out adapterRef item is not reported and the edit goes ahead; reporting it
// needs composing those items, which costs about a millisecond each.
const OPTIONS = { keepSourceTokens: true, prettyErrors: false, strict: true } as const

/**
 * Parses `text` (one document) and composes it, leaving out all but the last `keep` items of
 * spec.adapters when that list is a block list without anchors or parse errors in them; anything
 * unusual there is composed whole, so that every fault is still reported.
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
  const items = seq
    ? seq.items.filter((item) => item.start.some((t) => t.type === 'seq-item-ind'))
    : []
  const dashes = items.map((item) => item.start.find((t) => t.type === 'seq-item-ind')!.offset)
  const omitted = Math.max(0, items.length - keep)
  const left = items.slice(0, omitted)
  if (!seq || omitted === 0 || left.some((item) => !isPlainItem(item))) {
    return { doc: compose(tokens, text), text, omitted: 0, names: [], dashes, documentCount }
  }
  const firstKept = seq.items.indexOf(items[omitted]!)
  // Shallow copies down the path to the list; every other token is shared, offsets unchanged.
  const trimmed: CST.BlockSequence = { ...seq, items: seq.items.slice(firstKept) }
  const path = replaceOnPath(document!, seq, trimmed)
  const names = left.flatMap((item) => {
    const name = nameOf(item)
    return name ? [name] : []
  })
  const doc = compose(
    tokens.map((t) => (t === document ? path : t)),
    text,
  )
  return { doc, text, omitted, names, dashes, documentCount }
}

/** The offset in the document's text of an offset in `skeleton.text`. */
export function toDocumentOffset(skeleton: Skeleton, offset: number): number {
  return skeleton.cut && offset >= skeleton.cut.start ? offset + skeleton.cut.length : offset
}

// The fastest way: the left-out items are read from lines (list-scan.ts) and their lines cut
// out, so the parser never sees them. The parsed rest must agree with the scan.
function composeWithCut(text: string, keep: number): Skeleton | undefined {
  // The cut lines are never parsed: the whole document must be plain YAML (plain-yaml.ts).
  if (!isPlainBlockYaml(text, 0, text.length)) return undefined
  const scanned = scanAdapterList(text)
  if (!scanned || scanned.dashes.length <= keep) return undefined
  const omitted = scanned.dashes.length - keep
  const start = lineStart(text, scanned.dashes[0]!)
  const length = lineStart(text, scanned.dashes[omitted]!) - start
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

function dashOffsets(seq: CST.BlockSequence): number[] {
  return seq.items.flatMap((item) =>
    item.start.filter((t) => t.type === 'seq-item-ind').map((t) => t.offset),
  )
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1
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

function nameOf(item: CST.BlockSequence['items'][number]): TokenName | undefined {
  const name = mapValue(mapValue(item.value, 'adapterRef'), 'name')
  if (!name) return undefined
  const value = scalarValue(name)
  return value === undefined ? undefined : { name: value, offset: (name as CST.FlowScalar).offset }
}

/** No anchors (an alias elsewhere may need them), tags or parse errors anywhere in the item. */
function isPlainItem(item: CST.BlockSequence['items'][number]): boolean {
  return !itemHasMark(item)
}

function isMark(token: { type: string }): boolean {
  return token.type === 'anchor' || token.type === 'tag' || token.type === 'error'
}

function itemHasMark(item: CST.CollectionItem): boolean {
  for (const t of item.start) if (isMark(t)) return true
  if (item.sep) for (const t of item.sep) if (isMark(t)) return true
  return tokenHasMark(item.key ?? undefined) || tokenHasMark(item.value)
}

function tokenHasMark(token: CST.Token | undefined): boolean {
  if (!token) return false
  switch (token.type) {
    case 'block-map':
    case 'block-seq':
      for (const item of token.items) if (itemHasMark(item)) return true
      return false
    case 'flow-collection':
      for (const item of token.items) if (itemHasMark(item)) return true
      return token.end.some(isMark)
    case 'block-scalar':
      return token.props.some(isMark)
    case 'scalar':
    case 'single-quoted-scalar':
    case 'double-quoted-scalar':
    case 'alias':
      return token.end?.some(isMark) ?? false
    default:
      return isMark(token)
  }
}

function replaceOnPath(
  document: CST.Document,
  target: CST.Token,
  replacement: CST.Token,
): CST.Document {
  const copy = (token: CST.Token | undefined): CST.Token | undefined => {
    if (!token) return token
    if (token === target) return replacement
    if (token.type !== 'block-map' && token.type !== 'flow-collection') return token
    let changed = false
    const items = token.items.map((item) => {
      const value = copy(item.value)
      if (value === item.value) return item
      changed = true
      return { ...item, value }
    })
    return changed ? ({ ...token, items } as CST.Token) : token
  }
  return { ...document, value: copy(document.value) }
}
