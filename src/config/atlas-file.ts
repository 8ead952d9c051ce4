/**
 * The Atlas configuration file as a document model (SPEC section 1): its documents, which one is
 * the Atlas document, its `spec.adapters`, and the adapter names already taken. Only what an
 * edit needs is composed; everything else is read from lines (see documents.ts).
 */
import {
  isAlias,
  visit,
  isMap,
  isScalar,
  isSeq,
  parseDocument,
  type Document,
  type Pair,
  type Scalar,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml'

import { MomError } from '../errors.js'
import {
  scanDocumentFields,
  splitDocuments,
  type DocumentChunk,
  type LineScalar,
} from './documents.js'
import { findReferences, ReferenceSyntaxError } from './references.js'
import { isPlainBlockYaml } from './plain-yaml.js'
import { composeSkeleton, toDocumentOffset, type Skeleton } from './skeleton.js'
import { lineStart, locate, type SourceText } from './source.js'

/** The apiVersion that makes a document an adapter document. */
export const ADAPTER_API_VERSION = 'moment.dev/adapters/v1alpha1'

/**
 * Files up to this size have every document composed. In bigger ones, documents written in plain
 * YAML (plain-yaml.ts) are checked from their lines, and only the others are composed.
 */
export const COMPOSE_ALL_LIMIT = 16 * 1024

/** Why a config file or an edit's input was refused; tests and callers branch on these. */
export type ConfigErrorCode =
  | 'NOT_UTF8'
  | 'PARSE_ERROR'
  | 'BAD_REFERENCE'
  | 'NO_ATLAS_DOCUMENT'
  | 'SEVERAL_ATLAS_DOCUMENTS'
  | 'ADAPTERS_NOT_A_LIST'
  | 'ADAPTERS_ALIASED'
  | 'ADAPTER_EXISTS'
  | 'INVALID_INPUT'
  | 'PLAINTEXT_SECRET'
  | 'FILE_NOT_FOUND'
  | 'FILE_UNREADABLE'
  | 'FILE_UNWRITABLE'
  | 'FILE_CHANGED'

/** A refusal about the file or the edit's input; its location names the file (and place). */
export class ConfigError extends MomError {
  declare readonly code: ConfigErrorCode

  constructor(
    code: ConfigErrorCode,
    message: string,
    location: { file: string; line?: number; column?: number },
    hint?: string,
  ) {
    super(message, { code, location, hint })
    this.name = 'ConfigError'
  }
}

/** One document of the file and what mom knows about it. */
export interface DocumentInfo {
  chunk: DocumentChunk
  isAdapter: boolean
  /** metadata.name of an adapter document, with its offset in the file's text. */
  name?: LineScalar
}

/** The Atlas document, composed from its own text (offsets are relative to `chunk.start`). */
export interface AtlasDocument {
  index: number
  chunk: DocumentChunk
  /** The text `doc` was composed from: the document's, less any lines cut (see skeleton.ts). */
  text: string
  /** Composed with the first `skeleton.omitted` items of spec.adapters left out (skeleton.ts). */
  doc: Document.Parsed
  skeleton: Skeleton
  specPair: Pair<Scalar, YAMLMap>
  /** `spec.adapters`: a list, `null` when the key has no value, absent when there is no key. */
  adapters?: YAMLSeq | null
  adaptersPair?: Pair<Scalar, unknown>
}

export interface AtlasFile {
  file: string
  source: SourceText
  documents: DocumentInfo[]
  atlas: AtlasDocument
}

export interface LoadOptions {
  /** Compose every document when the text is at most this long; the default is COMPOSE_ALL_LIMIT. */
  composeAllLimit?: number
}

/**
 * Finds the documents of a decoded file and its one Atlas document. Refuses, with the file, line
 * and column, YAML that does not parse, zero or several Atlas documents, and a `spec.adapters`
 * that is not a list.
 */
export function loadAtlasFile(
  source: SourceText,
  file: string,
  options: LoadOptions = {},
): AtlasFile {
  const { text } = source
  const composeAll = text.length <= (options.composeAllLimit ?? COMPOSE_ALL_LIMIT)
  const documents: DocumentInfo[] = []
  const candidates: AtlasDocument[] = []
  let others = 0

  splitDocuments(text).forEach((chunk, index) => {
    const scanned = scanDocumentFields(text, chunk)
    const isSureAdapter = scanned.isSure && scanned.apiVersion?.value === ADAPTER_API_VERSION
    // In a big file, an adapter document in plain YAML needs no composing (plain-yaml.ts).
    if (isSureAdapter && !composeAll && isPlainBlockYaml(text, chunk.start, chunk.end)) {
      documents.push({ chunk, isAdapter: true, ...(scanned.name && { name: scanned.name }) })
      return
    }
    const chunkText = text.slice(chunk.start, chunk.end)
    // A document that may be the Atlas document keeps its tokens; in a big file it is composed
    // without most of its spec.adapters items.
    const skeleton = isSureAdapter
      ? undefined
      : composeSkeleton(chunkText, composeAll ? Infinity : 1)
    const doc = skeleton
      ? skeleton.doc
      : parseDocument(chunkText, { prettyErrors: false, strict: true })
    refuseErrors(doc, chunk, text, file, skeleton)
    const root = doc.contents
    const apiVersion: unknown = isMap(root) ? root.get('apiVersion') : undefined
    if (apiVersion === ADAPTER_API_VERSION) {
      const name = isMap(root) ? root.getIn(['metadata', 'name'], true) : undefined
      const info: DocumentInfo = { chunk, isAdapter: true }
      if (isScalar(name) && name.range) {
        info.name = { value: nameText(name), offset: chunk.start + name.range[0] }
      }
      documents.push(info)
      return
    }
    documents.push({ chunk, isAdapter: false })
    const specPair = isMap(root) ? root.items.find((pair) => keyIs(pair, 'spec')) : undefined
    if (specPair && isMap(specPair.value)) {
      candidates.push({
        index,
        chunk,
        text: skeleton!.text,
        doc,
        skeleton: skeleton!,
        specPair: specPair as Pair<Scalar, YAMLMap>,
      })
    } else others++
  })

  const atlas = pickAtlas(candidates, documents, others, text, file)
  findAdapters(atlas, text, file)
  refuseMalformedReferences(text, file)
  return { file, source, documents, atlas }
}

/**
 * Refuses a `${{` anywhere in the file that does not begin a valid reference (SPEC section 1):
 * Atlas would refuse the file, so an edit that leaves it in place would only pass the fault on.
 * Comments are skipped. This reads the text, not the documents, so it costs nothing in a big file
 * without `${{`; a reference folded over two lines of a multi-line scalar is refused too.
 */
function refuseMalformedReferences(text: string, file: string): void {
  for (let at = text.indexOf('${{'); at !== -1; at = text.indexOf('${{', at + 3)) {
    if (isInComment(text.slice(lineStart(text, at), at))) continue
    const lineEnd = text.indexOf('\n', at)
    const end = lineEnd === -1 ? text.length : lineEnd
    // Only this reference: what follows on the line may be a comment, visited on its own.
    const close = text.indexOf('}}', at + 3)
    try {
      findReferences(text.slice(at, close === -1 || close > end ? end : close + 2))
    } catch (error) {
      if (!(error instanceof ReferenceSyntaxError)) throw error
      const { line, column } = locate(text, at + error.index)
      throw new ConfigError('BAD_REFERENCE', error.reason, { file, line, column })
    }
  }
}

/** Whether a `#` before this point on the line starts a comment, outside any quoted scalar. */
function isInComment(before: string): boolean {
  let quote: string | undefined
  for (let i = 0; i < before.length; i++) {
    const c = before[i]!
    const atTokenStart = i === 0 || /[\s:[{,-]/.test(before[i - 1]!)
    if (quote === '"') {
      if (c === '\\') i++
      else if (c === '"') quote = undefined
    } else if (quote === "'") {
      if (c === "'" && before[i + 1] === "'") i++
      else if (c === "'") quote = undefined
    } else if (c === '#' && (i === 0 || before[i - 1] === ' ' || before[i - 1] === '\t')) {
      return true
    } else if ((c === '"' || c === "'") && atTokenStart) quote = c
  }
  return false
}

function refuseErrors(
  doc: Document.Parsed,
  chunk: DocumentChunk,
  text: string,
  file: string,
  skeleton?: Skeleton,
): void {
  const error = doc.errors[0]
  if (!error) return
  const offset = skeleton ? toDocumentOffset(skeleton, error.pos[0]) : error.pos[0]
  const { line, column } = locate(text, chunk.start + offset)
  const reason = lowerFirst(error.message.split('\n')[0]!.replace(/[.:]\s*$/, ''))
  throw new ConfigError('PARSE_ERROR', `YAML does not parse: ${reason}`, { file, line, column })
}

function pickAtlas(
  candidates: AtlasDocument[],
  documents: DocumentInfo[],
  others: number,
  text: string,
  file: string,
): AtlasDocument {
  const [first, second] = candidates
  if (!first) {
    const adapters = documents.filter((d) => d.isAdapter).length
    const found = `found ${plural(adapters, 'adapter document')} and ${plural(others, 'other document')}`
    throw new ConfigError(
      'NO_ATLAS_DOCUMENT',
      `no Atlas document (a document with a spec mapping that is not an adapter document); ${found}`,
      { file },
    )
  }
  if (second) {
    const lines = candidates.map((c) => locate(text, c.chunk.start + specOffset(c)).line)
    const where = locate(text, second.chunk.start + specOffset(second))
    throw new ConfigError(
      'SEVERAL_ATLAS_DOCUMENTS',
      `found ${candidates.length} Atlas documents (spec at lines ${lines.join(', ')}); expected one`,
      { file, ...where },
    )
  }
  return first
}

function specOffset(candidate: AtlasDocument): number {
  return candidate.specPair.key?.range?.[0] ?? 0
}

function findAdapters(atlas: AtlasDocument, text: string, file: string): void {
  const spec = atlas.specPair.value!
  const pair = spec.items.find((item) => keyIs(item, 'adapters')) as
    Pair<Scalar, unknown> | undefined
  if (!pair) return
  atlas.adaptersPair = pair
  const node = pair.value
  if (isSeq(node)) {
    atlas.adapters = node
    refuseAliasedAdapters(atlas, text, file)
    return
  }
  if (node === null || (isScalar(node) && node.value === null && node.source === '')) {
    atlas.adapters = null
    return
  }
  const what = isMap(node)
    ? 'a mapping'
    : isAlias(node)
      ? 'an alias'
      : isScalar(node)
        ? node.value === null
          ? 'null'
          : `a ${typeof node.value === 'string' ? 'string' : 'scalar'}`
        : 'not a list'
  const offset = (node as { range?: [number, number, number] }).range?.[0] ?? pair.key!.range![0]
  throw new ConfigError('ADAPTERS_NOT_A_LIST', `spec.adapters is ${what}; expected a list`, {
    file,
    ...locate(text, atlas.chunk.start + toDocumentOffset(atlas.skeleton, offset)),
  })
}

/**
 * Refuses to add to spec.adapters when an alias elsewhere repeats it (through an anchor on the
 * list, on spec or on the document's root): the new item would appear there too.
 */
function refuseAliasedAdapters(atlas: AtlasDocument, text: string, file: string): void {
  const root = atlas.doc.contents
  const anchors = new Set(
    [root, atlas.specPair.value, atlas.adapters].flatMap((node) =>
      node && 'anchor' in node && typeof node.anchor === 'string' ? [node.anchor] : [],
    ),
  )
  if (anchors.size === 0) return
  visit(atlas.doc, {
    Alias(_key, alias) {
      if (!anchors.has(alias.source)) return
      const offset = toDocumentOffset(atlas.skeleton, alias.range?.[0] ?? 0)
      throw new ConfigError(
        'ADAPTERS_ALIASED',
        `spec.adapters is repeated by the alias *${alias.source}, which would change with it`,
        { file, ...locate(text, atlas.chunk.start + offset) },
        'write the list out where the alias stands, or add the adapter by hand',
      )
    },
  })
}

/** An adapter name that is already taken, and where (an offset in the file's text). */
export interface TakenName {
  name: string
  offset: number
  /** `referenced` in spec.adapters, or `defined` by an adapter document. */
  how: 'referenced' | 'defined'
}

/** Every adapter name the file already uses: adapterRef names in spec.adapters, then documents. */
export function listTakenNames(atlasFile: AtlasFile): TakenName[] {
  const taken: TakenName[] = []
  const { atlas } = atlasFile
  for (const { name, offset } of atlas.skeleton.names) {
    taken.push({ name, offset: atlas.chunk.start + offset, how: 'referenced' })
  }
  for (const item of atlas.adapters?.items ?? []) {
    const ref = isMap(item) ? item.get('adapterRef', true) : undefined
    const name = isMap(ref) ? ref.get('name', true) : undefined
    if (isScalar(name) && name.range) {
      taken.push({
        name: nameText(name),
        offset: atlas.chunk.start + toDocumentOffset(atlas.skeleton, name.range[0]),
        how: 'referenced',
      })
    }
  }
  for (const document of atlasFile.documents) {
    if (document.name)
      taken.push({ name: document.name.value, offset: document.name.offset, how: 'defined' })
  }
  return taken
}

/**
 * A name as Atlas, which reads names into strings, sees it: a plain scalar's own text (`00`, not
 * the number 0 that a YAML 1.2 reader makes of it), else the scalar's value.
 */
function nameText(node: Scalar): string {
  return node.type === 'PLAIN' && typeof node.source === 'string' ? node.source : String(node.value)
}

/** Whether a pair's key is the string `key`. */
export function keyIs(pair: Pair<unknown, unknown>, key: string): boolean {
  return isScalar(pair.key) ? pair.key.value === key : pair.key === key
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1)
}
