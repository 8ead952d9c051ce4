/**
 * `add-http-adapter` as text splices into the original (SPEC section 2): one adapterRef into
 * `spec.adapters`, one HTTP adapter document at the end. Nothing is re-serialised; new lines are
 * built in the file's own style from scalars the YAML library writes.
 */
import { isMap, type CST, type Node, type Scalar, type YAMLMap, type YAMLSeq } from 'yaml'

import {
  ADAPTER_API_VERSION,
  ConfigError,
  listTakenNames,
  loadAtlasFile,
  type AtlasDocument,
  type AtlasFile,
  type LoadOptions,
} from './atlas-file.js'
import { formatScalar } from './scalars.js'
import { toDocumentOffset } from './skeleton.js'
import { columnOf, endOfLine, locate, type SourceText } from './source.js'
import { dashOffsets, detectStyle, sameLine, type BlockStyle } from './style.js'
import { verifyEdit } from './verify.js'

/** The adapter to add, already validated (see inputs.ts). */
export interface HttpAdapter {
  name: string
  baseUrl: string
  headers: { name: string; value: string }[]
}

/** Replace `deleteCount` characters at `offset` (in the original text) with `insert`. */
export interface Splice {
  offset: number
  deleteCount: number
  insert: string
}

/** The planned edit: the adapterRef splice, then the appended document. */
export interface AdapterEdit {
  ref: Splice
  document: Splice
}

/** The result of an edit: the new text (without the byte order mark) and how it was made. */
export interface EditResult {
  text: string
  edit: AdapterEdit
  before: AtlasFile
}

/**
 * Adds an HTTP adapter to a decoded file and returns the new text, after checking that it reads
 * back as the original plus the two additions. Refuses a name already referenced or defined.
 */
export function addHttpAdapter(
  source: SourceText,
  file: string,
  adapter: HttpAdapter,
  options: LoadOptions = {},
): EditResult {
  const before = loadAtlasFile(source, file, options)
  refuseTakenName(before, adapter.name)
  const edit = planAdapterInsert(before, adapter)
  const text = applySplices(source.text, [edit.ref, edit.document])
  verifyEdit(before, text, edit, adapter)
  return { text, edit, before }
}

function refuseTakenName(atlasFile: AtlasFile, name: string): void {
  const taken = listTakenNames(atlasFile).find((t) => t.name === name)
  if (!taken) return
  const where = taken.how === 'referenced' ? 'in spec.adapters' : 'by an adapter document'
  throw new ConfigError(
    'ADAPTER_EXISTS',
    `an adapter named "${name}" is already ${taken.how} ${where}`,
    { file: atlasFile.file, ...locate(atlasFile.source.text, taken.offset) },
    'choose another --adapter-name',
  )
}

/** Plans both insertions for `adapter`, as splices into the file's text. */
export function planAdapterInsert(atlasFile: AtlasFile, adapter: HttpAdapter): AdapterEdit {
  const { atlas, source } = atlasFile
  const style = detectStyle(atlas)
  const local = planRef(atlas, style, adapter.name, source.eol)
  const ref = atEndOfFile(
    { ...local, offset: atlas.chunk.start + toDocumentOffset(atlas.skeleton, local.offset) },
    source.text,
    source.eol,
  )
  const document: Splice = {
    offset: source.text.length,
    deleteCount: 0,
    insert: formatAdapterDocument(adapter, style, source.eol, source.hasFinalNewline),
  }
  return { ref, document }
}

/** Applies splices given in the original's offsets, in order; equal offsets keep their order. */
export function applySplices(text: string, splices: readonly Splice[]): string {
  const sorted = splices
    .map((splice, order) => ({ splice, order }))
    .sort((a, b) => a.splice.offset - b.splice.offset || a.order - b.order)
  let out = ''
  let at = 0
  for (const { splice } of sorted) {
    out += text.slice(at, splice.offset) + splice.insert
    at = splice.offset + splice.deleteCount
  }
  return out + text.slice(at)
}

// A splice of whole lines at the very end of a file without a final newline: the old last line
// gains one, and the new lines end without one, as the file did.
function atEndOfFile(splice: Splice, text: string, eol: string): Splice {
  const endsAtEof = splice.offset + splice.deleteCount === text.length
  if (!endsAtEof || text.endsWith('\n') || !splice.insert.endsWith(eol)) return splice
  const body = splice.insert.slice(0, -eol.length)
  return { ...splice, insert: body.startsWith(eol) ? body : eol + body }
}

function planRef(atlas: AtlasDocument, style: BlockStyle, name: string, eol: string): Splice {
  const { text } = atlas
  const adapters = atlas.adapters
  const spec = atlas.specPair.value!
  // A flow list stays flow when it has items, or when spec itself is flow and cannot hold a block.
  if (adapters?.flow && (adapters.items.length > 0 || spec.flow))
    return planFlowRef(text, adapters, name)
  if (adapters && adapters.items.length > 0)
    return planBlockRefAfterLast(text, adapters, style, name, eol)

  if (spec.flow) return planFlowSpec(text, spec, name)
  const specKeyColumn = columnOf(text, atlas.specPair.key!.range![0])
  const firstKey = spec.items[0]?.key as Node | undefined
  const keyColumn = firstKey?.range
    ? columnOf(text, firstKey.range[0])
    : specKeyColumn + style.mapIndent
  const dash = keyColumn + style.dashOffset
  const lines = refLines(
    dash,
    dash + style.itemOffset,
    dash + style.itemOffset + style.mapIndent,
    false,
    name,
  )

  if (adapters === undefined) {
    // No adapters key: it becomes the first key of spec, right below the `spec:` line.
    const offset = endOfLine(text, atlas.specPair.key!.range![1])
    return {
      offset,
      deleteCount: 0,
      insert: joinLines([`${' '.repeat(keyColumn)}adapters:`, ...lines], eol),
    }
  }
  const pair = atlas.adaptersPair!
  if (adapters === null) {
    const offset = endOfLine(text, (pair.key as Scalar).range![1])
    return { offset, deleteCount: 0, insert: joinLines(lines, eol) }
  }
  // `adapters: []` becomes a block list: that one line loses its `[]`.
  const [open, close] = adapters.range!
  let from = open
  while (from > 0 && (text[from - 1] === ' ' || text[from - 1] === '\t')) from--
  const lineEnd = endOfLine(text, close)
  const rest = text.slice(close, lineEnd)
  const restOfLine = rest.endsWith('\n') ? rest : rest + eol
  return { offset: from, deleteCount: lineEnd - from, insert: restOfLine + joinLines(lines, eol) }
}

function planBlockRefAfterLast(
  text: string,
  adapters: YAMLSeq,
  style: BlockStyle,
  name: string,
  eol: string,
): Splice {
  const token = adapters.srcToken as CST.BlockSequence
  const lastItem = [...token.items]
    .reverse()
    .find((item) => item.start.some((t) => t.type === 'seq-item-ind'))!
  const dashOffset = dashOffsets({ ...token, items: [lastItem] })[0]!
  const dash = columnOf(text, dashOffset)

  // Copy the last item's columns where it shows them: `- adapterRef:` and the keys below it.
  const last = adapters.items.at(-1)
  let key = dash + style.itemOffset
  let keyOnNextLine = false
  let nested = key + style.mapIndent
  const firstKey = isMap(last) && !last.flow ? (last.items[0]?.key as Node | undefined) : undefined
  if (firstKey?.range) {
    const between = text.slice(dashOffset + 1, firstKey.range[0])
    if (/^[ \t]*$/.test(between) || /^[ \t]*(#[^\n]*)?\r?\n[ \t]*$/.test(between)) {
      key = columnOf(text, firstKey.range[0])
      keyOnNextLine = !sameLine(text, dashOffset, firstKey.range[0])
      nested = key + style.mapIndent
    }
    const refValue = (last as YAMLMap).get('adapterRef', true)
    const nestedKey =
      isMap(refValue) && !refValue.flow ? (refValue.items[0]?.key as Node | undefined) : undefined
    if (nestedKey?.range && columnOf(text, nestedKey.range[0]) > key)
      nested = columnOf(text, nestedKey.range[0])
  }

  // Right after the last content of the last item and any comment on that same line.
  const contentEnd = endOfContent(lastItem)
  const offset = text[contentEnd - 1] === '\n' ? contentEnd : endOfLine(text, contentEnd)
  const lines = refLines(dash, key, nested, keyOnNextLine, name)
  return { offset, deleteCount: 0, insert: joinLines(lines, eol) }
}

function refLines(
  dash: number,
  key: number,
  nested: number,
  keyOnNextLine: boolean,
  name: string,
): string[] {
  const head = keyOnNextLine
    ? [`${' '.repeat(dash)}-`, `${' '.repeat(key)}adapterRef:`]
    : [`${' '.repeat(dash)}-${' '.repeat(Math.max(1, key - dash - 1))}adapterRef:`]
  const pad = ' '.repeat(nested)
  return [
    ...head,
    `${pad}apiVersion: ${formatScalar(ADAPTER_API_VERSION)}`,
    `${pad}kind: HTTP`,
    `${pad}name: ${formatScalar(name)}`,
  ]
}

function flowItem(name: string, outer: string, inner: string): string {
  const ref = `{${inner}apiVersion: ${formatScalar(ADAPTER_API_VERSION)}, kind: HTTP, name: ${formatScalar(name)}${inner}}`
  return `{${outer}adapterRef: ${ref}${outer}}`
}

function planFlowRef(text: string, adapters: YAMLSeq, name: string): Splice {
  const items = adapters.items as Node[]
  const last = items.at(-1)
  if (!last?.range)
    return { offset: adapters.range![0] + 1, deleteCount: 0, insert: flowItem(name, '', '') }
  const lastSource = text.slice(last.range[0], last.range[1])
  const outer = /^\{[ \t]/.test(lastSource) ? ' ' : ''
  const innerOpen = lastSource.indexOf('{', 1)
  const inner = innerOpen !== -1 && /[ \t]/.test(lastSource[innerOpen + 1] ?? '') ? ' ' : ''
  const previous = items.at(-2)
  // LIMITATION: in a flow list spread over several lines, the last item's line gains the comma
  // before the new item, so git diff shows that line as changed; avoiding it needs a trailing
  // comma already there, or writing the comma at the start of the new line.
  let separator = ', '
  if (previous?.range) {
    const between = text.slice(previous.range[1], last.range[0])
    if (between.includes(',')) separator = between
  }
  const item = flowItem(name, outer, inner)
  // A trailing comma after the last item stays where it is, after the new item too.
  const after = /^[ \t\r\n]*,/.exec(text.slice(last.range[1]))
  if (after) {
    const comma = last.range[1] + after[0].length
    const space = separator.slice(separator.indexOf(',') + 1)
    return { offset: comma, deleteCount: 0, insert: `${space}${item},` }
  }
  return { offset: last.range[1], deleteCount: 0, insert: separator + item }
}

function planFlowSpec(text: string, spec: YAMLMap, name: string): Splice {
  const open = spec.range![0]
  const hasItems = spec.items.length > 0
  const pad =
    hasItems && /[ \t]/.test(text[open + 1] ?? '') ? text.slice(open + 1).match(/^[ \t]+/)![0] : ''
  const insert = `adapters: [${flowItem(name, '', '')}]${hasItems ? ', ' : ''}`
  return { offset: open + 1 + pad.length, deleteCount: 0, insert }
}

/** The end of the last token of an item that is not white space, a line break or a comment. */
function endOfContent(item: CST.BlockSequence['items'][number]): number {
  let end = -1
  const visitSource = (tokens: readonly CST.SourceToken[] | undefined) => {
    for (const t of tokens ?? []) {
      if (
        t.type !== 'space' &&
        t.type !== 'newline' &&
        t.type !== 'comment' &&
        t.type !== 'byte-order-mark'
      ) {
        end = Math.max(end, t.offset + t.source.length)
      }
    }
  }
  const visit = (token: CST.Token | undefined): void => {
    if (!token) return
    switch (token.type) {
      case 'scalar':
      case 'single-quoted-scalar':
      case 'double-quoted-scalar':
      case 'alias':
        end = Math.max(end, token.offset + token.source.length)
        visitSource(token.end)
        return
      case 'block-scalar': {
        // Trailing blank lines belong to the scalar only with keep chomping (`|+`, `>+`).
        visitSource(token.props as CST.SourceToken[])
        const keeps = token.props.some(
          (t) => t.type === 'block-scalar-header' && t.source.includes('+'),
        )
        const source = keeps ? token.source : token.source.replace(/[\s]+$/, '')
        end = Math.max(end, token.offset + source.length)
        return
      }
      case 'block-map':
      case 'block-seq':
        for (const entry of token.items) visitItem(entry)
        return
      case 'flow-collection':
        visitSource([token.start])
        for (const entry of token.items) visitItem(entry)
        visitSource(token.end as CST.SourceToken[])
        return
      default:
        if ('source' in token && 'offset' in token) visitSource([token as CST.SourceToken])
    }
  }
  const visitItem = (entry: CST.CollectionItem) => {
    visitSource(entry.start)
    visit(entry.key ?? undefined)
    visitSource(entry.sep)
    visit(entry.value)
  }
  visitItem(item)
  return end
}

function formatAdapterDocument(
  adapter: HttpAdapter,
  style: BlockStyle,
  eol: string,
  hasFinalNewline: boolean,
): string {
  const m = ' '.repeat(style.mapIndent)
  const dash = ' '.repeat(style.mapIndent + style.dashOffset)
  const afterDash = ' '.repeat(Math.max(1, style.itemOffset - 1))
  const under = ' '.repeat(style.mapIndent + style.dashOffset + Math.max(2, style.itemOffset))
  const lines = [
    '---',
    `apiVersion: ${formatScalar(ADAPTER_API_VERSION)}`,
    'kind: HTTP',
    'metadata:',
    `${m}name: ${formatScalar(adapter.name)}`,
    'spec:',
    `${m}baseUrl: ${formatScalar(adapter.baseUrl)}`,
  ]
  if (adapter.headers.length > 0) {
    lines.push(`${m}headers:`)
    for (const header of adapter.headers) {
      lines.push(`${dash}-${afterDash}name: ${formatScalar(header.name)}`)
      lines.push(`${under}value: ${formatScalar(header.value)}`)
    }
  }
  const body = lines.join(eol)
  return hasFinalNewline ? body + eol : eol + body
}

function joinLines(lines: readonly string[], eol: string): string {
  return lines.map((line) => line + eol).join('')
}
