/**
 * A check, without the YAML library, that a document is written in a plain subset of YAML: block
 * mappings and lists, one-line plain or simply quoted scalars, comments and blank lines, with
 * consistent indentation and no key given twice. Text that passes is valid YAML; text that does
 * not may still be valid, and is then composed by the library, which reports any fault. This
 * lets a big file's thousands of adapter documents be checked in a few milliseconds.
 */

interface Level {
  indent: number
  kind: 'map' | 'seq'
  keys: Set<string>
}

const KEY_LINE = /^([A-Za-z0-9_-]{1,100}):(?: +(.*))?$/
const PLAIN = /^[^\s#&*!|>'"{}[\],%@`?:-](?:[^#]*[^\s#:])?$|^-[^\s#](?:[^#]*[^\s#:])?$/
const QUOTED = /^(?:"[^"\\]*"|'[^']*')(?: +#.*)?$/

/** Whether `text.slice(start, end)` is one document in the plain subset described above. */
export function isPlainBlockYaml(text: string, start: number, end: number): boolean {
  const levels: Level[] = []
  // The indent below which the next line must open a block, when the last line was `key:`.
  let opened: { indent: number; allowsSeqAtSameIndent: boolean } | undefined
  let first = true
  for (let at = start; at < end;) {
    const next = text.indexOf('\n', at)
    const stop = next === -1 || next >= end ? end : next
    let line = text.slice(at, stop)
    at = stop + 1
    if (line.endsWith('\r')) line = line.slice(0, -1)
    if (/[\t\r\0-\x08\x0b\x0c\x0e-\x1f\x7f\u0080-\u009f\ufeff\ud800-\udfff]/.test(line))
      return false
    const body = line.trimStart()
    if (body === '' || body.startsWith('#')) continue
    const indent = line.length - body.length
    if (indent === 0 && /^(?:---|\.\.\.)(?: +#.*)?$/.test(body)) {
      if (body.startsWith('---')) {
        if (!first) return false
        first = false
      }
      continue
    }
    if (indent === 0 && body.startsWith('%')) return false
    first = false

    const isDash = body === '-' || body.startsWith('- ')
    if (body === '-') return false
    // Close the blocks this line is not inside.
    while (levels.length > 0 && levels.at(-1)!.indent > indent) levels.pop()
    let top = levels.at(-1)
    if (opened) {
      const deeper = indent > opened.indent
      const seqHere = isDash && indent === opened.indent && opened.allowsSeqAtSameIndent
      if (!deeper && !seqHere) return false
      levels.push({ indent, kind: isDash ? 'seq' : 'map', keys: new Set() })
      top = levels.at(-1)
      opened = undefined
    } else if (!top) {
      if (indent !== 0) return false
      levels.push({ indent, kind: isDash ? 'seq' : 'map', keys: new Set() })
      top = levels.at(-1)
    } else if (top.indent !== indent) return false
    if ((top!.kind === 'seq') !== isDash) {
      // A list at the indent of its parent key ends where the next key of that mapping starts.
      if (!isDash && top!.kind === 'seq' && levels.length > 1 && levels.at(-2)!.indent === indent) {
        levels.pop()
        top = levels.at(-1)
      } else return false
    }

    let content = body
    let contentIndent = indent
    if (isDash) {
      const rest = body.slice(1).replace(/^ +/, '')
      contentIndent = indent + body.length - rest.length
      content = rest
      if (!KEY_LINE.test(stripComment(content))) {
        if (!isScalar(content)) return false
        continue
      }
      levels.push({ indent: contentIndent, kind: 'map', keys: new Set() })
      top = levels.at(-1)
    }
    const match = KEY_LINE.exec(stripComment(content))
    if (!match) return false
    const [, key, value = ''] = match
    if (top!.keys.has(key!)) return false
    top!.keys.add(key!)
    if (value === '') opened = { indent: contentIndent, allowsSeqAtSameIndent: true }
    else if (!isScalar(value)) return false
  }
  return true
}

function isScalar(value: string): boolean {
  const text = value.replace(/ +#.*$/, '')
  if (text === '{}' || text === '[]') return true
  if (QUOTED.test(value)) return true
  return PLAIN.test(text) && !/: /.test(text)
}

function stripComment(content: string): string {
  if (/^["']/.test(content)) return content
  const at = content.search(/ #/)
  return at === -1 ? content : content.slice(0, at).trimEnd()
}
