/**
 * Reads a long block list `spec.adapters` from lines, for big files only (see skeleton.ts): where
 * each item starts and which adapterRef name it holds. It accepts only the plain shape such
 * lists have in practice (keys, one-line plain or simply quoted scalars, comments, blank lines)
 * and gives up on anything else, so the caller falls back to the YAML parser.
 */
import type { TokenName } from './skeleton.js'

/** The items of the list: their dash offsets and adapterRef names, in the document's text. */
export interface ScannedList {
  dashes: number[]
  /** One entry per item; undefined where an item names no adapterRef. */
  names: (TokenName | undefined)[]
}

interface Line {
  start: number
  /** The line without its line ending. */
  text: string
  indent: number
}

const KEY = /^([A-Za-z0-9_-]+):(?:[ ]+(.*?))?[ ]*$/
const PLAIN = /^[^\s#&*!|>'"{}[\],%@`?:-][^#]*?$|^-[^\s#][^#]*?$/
const QUOTED = /^"[^"\\]*"$|^'[^']*'$/

/** The list's items, or undefined when its lines are not plain enough to read for sure. */
export function scanAdapterList(text: string): ScannedList | undefined {
  const lines = splitLines(text)
  const specAt = lines.findIndex((line) => /^spec:[ ]*(?:#.*)?$/.test(line.text))
  if (specAt === -1 || lines.findIndex((l, i) => i > specAt && /^spec:/.test(l.text)) !== -1)
    return undefined

  // The adapters key among spec's direct children.
  let childIndent = -1
  let at = specAt + 1
  for (; at < lines.length; at++) {
    const line = lines[at]!
    if (isBlankOrComment(line)) continue
    if (line.indent === 0 || (childIndent !== -1 && line.indent < childIndent)) return undefined
    if (childIndent === -1) childIndent = line.indent
    if (line.indent === childIndent && /^adapters:[ ]*(?:#.*)?$/.test(line.text.slice(line.indent)))
      break
  }
  if (at >= lines.length) return undefined

  const dashes: number[] = []
  const names: (TokenName | undefined)[] = []
  let dashColumn = -1
  let refIndent = -1
  let refChildIndent = -1
  for (at++; at < lines.length; at++) {
    const line = lines[at]!
    if (isBlankOrComment(line)) continue
    const body = line.text.slice(line.indent)
    if (dashColumn === -1) {
      if (!body.startsWith('- ') || line.indent < childIndent) return undefined
      dashColumn = line.indent
    }
    if (line.indent < dashColumn || (line.indent === dashColumn && !body.startsWith('- '))) break
    let content = body
    let contentIndent = line.indent
    if (line.indent === dashColumn) {
      // A new item: `- key: value` or `- key:`.
      dashes.push(line.start + line.indent)
      names.push(undefined)
      refIndent = -1
      const rest = body.slice(1).replace(/^ +/, '')
      contentIndent = line.indent + body.length - rest.length
      content = rest
    }
    const match = KEY.exec(stripComment(content))
    if (!match || /\t/.test(line.text)) return undefined
    const [, key, value] = match
    if (value !== undefined && value !== '' && !PLAIN.test(value) && !QUOTED.test(value))
      return undefined
    if (value !== undefined && /: /.test(value)) return undefined
    if (refIndent !== -1 && contentIndent <= refIndent) refIndent = -1
    if (key === 'adapterRef' && !value) {
      refIndent = contentIndent
      refChildIndent = -1
      continue
    }
    if (refIndent !== -1) {
      if (refChildIndent === -1) refChildIndent = contentIndent
      if (contentIndent === refChildIndent && key === 'name' && value) {
        const offset = line.start + line.text.indexOf(value, contentIndent + key.length + 1)
        names[names.length - 1] = { name: QUOTED.test(value) ? value.slice(1, -1) : value, offset }
      }
    }
  }
  return dashes.length > 0 ? { dashes, names } : undefined
}

function splitLines(text: string): Line[] {
  const lines: Line[] = []
  for (let start = 0; start < text.length;) {
    const end = text.indexOf('\n', start)
    const stop = end === -1 ? text.length : end
    const body = text.slice(start, text[stop - 1] === '\r' ? stop - 1 : stop)
    lines.push({ start, text: body, indent: body.length - body.trimStart().length })
    start = stop + 1
  }
  return lines
}

function isBlankOrComment(line: Line): boolean {
  const body = line.text.trimStart()
  return body === '' || body.startsWith('#')
}

function stripComment(content: string): string {
  // A ` #` starts a comment only outside quotes; quoted values with `#` make the scan give up.
  const at = content.search(/ #/)
  if (at === -1) return content
  if (/["']/.test(content.slice(0, at))) return '\0'
  return content.slice(0, at)
}
