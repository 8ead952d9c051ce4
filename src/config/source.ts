/**
 * The bytes of a configuration file as text, with what must survive an edit noted apart: a byte
 * order mark, the line ending and whether the file ends with one (SPEC section 2, "The diff is
 * the product"). Offsets everywhere in src/config count in `text`, which never holds the mark.
 */

const BOM = '\uFEFF'

export interface SourceText {
  /** The file's text without its byte order mark. */
  text: string
  hasBom: boolean
  /** The line ending new lines use: the file's first one, else LF. */
  eol: '\n' | '\r\n'
  hasFinalNewline: boolean
}

/** Thrown when the bytes are not UTF-8; the caller names the file. */
export class NotUtf8Error extends Error {
  constructor() {
    super('is not UTF-8 text')
    this.name = 'NotUtf8Error'
  }
}

/** Decodes a file's bytes, strictly as UTF-8, and notes its byte order mark and line ending. */
export function decodeSource(bytes: Uint8Array | string): SourceText {
  let text: string
  if (typeof bytes === 'string') text = bytes
  else {
    try {
      // ignoreBOM keeps the mark in the text so that it is seen, and kept, exactly once.
      text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes)
    } catch {
      throw new NotUtf8Error()
    }
  }
  const hasBom = text.startsWith(BOM)
  if (hasBom) text = text.slice(1)
  const firstBreak = text.indexOf('\n')
  const eol = firstBreak > 0 && text[firstBreak - 1] === '\r' ? '\r\n' : '\n'
  return { text, hasBom, eol, hasFinalNewline: text.endsWith('\n') }
}

/** The bytes to write for `text`, with the byte order mark put back when the file had one. */
export function encodeSource(text: string, hasBom: boolean): Buffer {
  return Buffer.from(hasBom ? BOM + text : text, 'utf8')
}

/** Line and column (both from 1) of an offset in `text`; columns count UTF-16 code units. */
export function locate(text: string, offset: number): { line: number; column: number } {
  let line = 1
  let lineStart = 0
  for (let at = text.indexOf('\n'); at !== -1 && at < offset; at = text.indexOf('\n', at + 1)) {
    line++
    lineStart = at + 1
  }
  return { line, column: offset - lineStart + 1 }
}

/** The offset where the line holding `offset` starts. */
export function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1
}

/** The column (from 0) of an offset: how many characters precede it on its line. */
export function columnOf(text: string, offset: number): number {
  return offset - lineStart(text, offset)
}

/** The offset just past the end of the line holding `offset` (past its line break, if any). */
export function endOfLine(text: string, offset: number): number {
  const at = text.indexOf('\n', offset)
  return at === -1 ? text.length : at + 1
}
