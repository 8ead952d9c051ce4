/**
 * The indentation a file already uses, so new lines look like their neighbours (SPEC section 2,
 * "Placement and style"). Columns are read from the Atlas document's own block collections.
 */
import { isMap, isSeq, type CST, type Node, type Pair } from 'yaml'

import type { AtlasDocument } from './atlas-file.js'
import { columnOf } from './source.js'

/** How far nested lines sit to the right, in columns. */
export interface BlockStyle {
  /** From a key to the keys of the mapping nested under it. */
  mapIndent: number
  /** From a key to the dashes of the list under it: 0 puts the dash under the key. */
  dashOffset: number
  /** From a dash to the first key of its item (`- name:` is 2). */
  itemOffset: number
}

/** Two-space indent with the dash under its parent key, as in SPEC section 1. */
export const DEFAULT_STYLE: BlockStyle = { mapIndent: 2, dashOffset: 0, itemOffset: 2 }

/**
 * The style of the Atlas document's block mappings and lists: the first nested block mapping
 * gives `mapIndent`, the first block list under a key gives `dashOffset` and `itemOffset`; what
 * the document does not show comes from DEFAULT_STYLE.
 */
export function detectStyle(atlas: AtlasDocument): BlockStyle {
  const found: Partial<BlockStyle> = {}
  const root = atlas.doc.contents
  if (isMap(root)) visitPairs(root.items, atlas.text, found)
  return { ...DEFAULT_STYLE, ...found }
}

function visitPairs(pairs: Pair[], text: string, found: Partial<BlockStyle>): boolean {
  for (const pair of pairs) {
    const key = pair.key as Node | null
    const value = pair.value as Node | null
    if (!key?.range || !value) continue
    const keyColumn = columnOf(text, key.range[0])
    if (isMap(value) && !value.flow) {
      const first = value.items[0]?.key as Node | undefined
      if (found.mapIndent === undefined && first?.range) {
        const indent = columnOf(text, first.range[0]) - keyColumn
        if (indent > 0) found.mapIndent = indent
      }
      if (visitPairs(value.items, text, found)) return true
    } else if (isSeq(value) && !value.flow && found.dashOffset === undefined) {
      const dash = dashOffsets(value.srcToken)[0]
      if (dash !== undefined) {
        found.dashOffset = Math.max(0, columnOf(text, dash) - keyColumn)
        const item = value.items[0]
        const itemKey =
          isMap(item) && !item.flow ? (item.items[0]?.key as Node | undefined) : undefined
        if (itemKey?.range && /^[ \t]*$/.test(text.slice(dash + 1, itemKey.range[0]))) {
          found.itemOffset = Math.max(2, itemKey.range[0] - dash)
        }
      }
      for (const item of value.items) {
        if (isMap(item) && !item.flow && visitPairs(item.items, text, found)) return true
      }
    }
    if (found.mapIndent !== undefined && found.dashOffset !== undefined) return true
  }
  return false
}

/** Offsets of the `-` of each item of a block list, from its source tokens. */
export function dashOffsets(token: CST.Token | undefined): number[] {
  if (token?.type !== 'block-seq') return []
  const dashes: number[] = []
  for (const item of token.items) {
    const dash = item.start.find((t) => t.type === 'seq-item-ind')
    if (dash) dashes.push(dash.offset)
  }
  return dashes
}

/** Whether nothing but the same line lies between two offsets. */
export function sameLine(text: string, from: number, to: number): boolean {
  return !text.slice(from, to).includes('\n')
}
