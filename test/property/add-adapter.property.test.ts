import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { parseAllDocuments } from 'yaml'

import { addHttpAdapter, type HttpAdapter } from '../../src/config/add-adapter.js'
import { decodeSource, encodeSource } from '../../src/config/source.js'

// Random Atlas configurations: indentation styles, comments and blank lines anywhere, any number
// of adapters, LF or CRLF, with or without a final newline and a byte order mark.

interface Config {
  mapIndent: number
  dashOffset: number
  adapters: string[]
  emptyForm: 'flow' | 'absent' | 'bare'
  eol: '\n' | '\r\n'
  finalNewline: boolean
  bom: boolean
  noise: { at: number; line: string }[]
  trailing: { at: number; comment: string }[]
  markers: boolean
}

const nameArb = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,10}[a-z0-9])?$/)
const commentArb = fc.constantFrom(
  '# note',
  '#',
  '# - adapterRef:',
  '#   name: old',
  '# ${{ X }} --- ...',
  '# yes: no',
)

const configArb: fc.Arbitrary<Config> = fc.record({
  mapIndent: fc.constantFrom(2, 4),
  dashOffset: fc.constantFrom(0, 1),
  adapters: fc.uniqueArray(nameArb, { maxLength: 4 }),
  emptyForm: fc.constantFrom('flow', 'absent', 'bare'),
  eol: fc.constantFrom('\n', '\r\n'),
  finalNewline: fc.boolean(),
  bom: fc.boolean(),
  noise: fc.array(
    fc.record({
      at: fc.nat(200),
      line: fc.oneof(
        fc.constant(''),
        commentArb,
        commentArb.map((c) => '    ' + c),
        commentArb.map((c) => '  ' + c),
      ),
    }),
    { maxLength: 5 },
  ),
  trailing: fc.array(fc.record({ at: fc.nat(200), comment: commentArb }), { maxLength: 3 }),
  markers: fc.boolean(),
})

const valueArb = fc.oneof(
  fc.constantFrom(
    'application/json',
    'yes',
    '1e3',
    '~',
    '*x',
    "'q'",
    '"dq"',
    'a: b',
    'a #b',
    '',
    '2024-01-01',
    'x'.repeat(120),
  ),
  fc.string({ maxLength: 12 }).filter((s) => !/[\r\n\0]/.test(s) && s.trim() === s),
)

const adapterArb: fc.Arbitrary<HttpAdapter> = fc.record({
  name: nameArb,
  baseUrl: fc.constantFrom(
    'https://api.heroku.com',
    'http://127.0.0.1:9000/base',
    'https://on.example.com/yes',
  ),
  headers: fc.uniqueArray(
    fc.record({
      name: fc.constantFrom('Accept', 'X-One', 'X-Two', 'Authorization'),
      value: valueArb,
    }),
    { maxLength: 3, selector: (h) => h.name },
  ),
})

function render(config: Config): string {
  const m = ' '.repeat(config.mapIndent)
  const dash = ' '.repeat(config.mapIndent + config.dashOffset * config.mapIndent)
  const under = dash + '  '
  const lines: { text: string; content: boolean }[] = []
  const push = (text: string, content = true) => lines.push({ text, content })
  if (config.markers) push('---')
  push('apiVersion: moment.dev/atlas/v1alpha1')
  push('kind: Atlas')
  push('metadata:')
  push(`${m}name: "dev-atlas"`)
  push('spec:')
  if (config.adapters.length > 0) {
    push(`${m}adapters:`)
    for (const name of config.adapters) {
      push(`${dash}- adapterRef:`)
      push(`${under}${m}apiVersion: moment.dev/adapters/v1alpha1`)
      push(`${under}${m}kind: HTTP`)
      push(`${under}${m}name: ${name}`)
    }
  } else if (config.emptyForm === 'flow') push(`${m}adapters: []`)
  else if (config.emptyForm === 'bare') push(`${m}adapters:`)
  push(`${m}exposedPorts: {}`)
  push(`${m}identityProviders:`)
  push(`${dash}- name: auth0`)
  push(`${under}issuerUrl: https://example.us.auth0.com/`)
  if (config.markers) push('...')
  for (const name of config.adapters) {
    push('---')
    push('apiVersion: moment.dev/adapters/v1alpha1')
    push('kind: HTTP')
    push('metadata:')
    push(`${m}name: ${name}`)
    push('spec:')
    push(`${m}baseUrl: https://${name}.example.com`)
  }
  for (const { at, comment } of config.trailing) {
    const line = lines[at % lines.length]!
    if (line.content && !/^(---|\.\.\.)$/.test(line.text) && !line.text.endsWith(':'))
      line.text += ' ' + comment
  }
  for (const { at, line } of config.noise)
    lines.splice(at % (lines.length + 1), 0, { text: line, content: false })
  const text = lines.map((l) => l.text).join(config.eol) + (config.finalNewline ? config.eol : '')
  return (config.bom ? '\uFEFF' : '') + text
}

function editText(input: string, adapter: HttpAdapter, composeAllLimit?: number): string {
  const source = decodeSource(Buffer.from(input))
  const { text } = addHttpAdapter(source, 'atlas.yml', adapter, { composeAllLimit })
  return encodeSource(text, source.hasBom).toString('utf8')
}

function documentsOf(text: string): unknown[] {
  const docs = parseAllDocuments(text.replace(/^\uFEFF/, ''))
  if (!Array.isArray(docs)) return []
  for (const doc of docs) expect(doc.errors).toEqual([])
  return docs.map((doc) => doc.toJS())
}

/** Checks the invariants of one edit and returns the result. */
function checkEdit(input: string, adapter: HttpAdapter, composeAllLimit?: number): string {
  const output = editText(input, adapter, composeAllLimit)
  const bom = input.startsWith('\uFEFF')
  expect(output.startsWith('\uFEFF')).toBe(bom)
  expect(output.startsWith('\uFEFF\uFEFF')).toBe(false)

  // The result parses, and is the original documents plus the two additions.
  const before = documentsOf(input)
  const after = documentsOf(output)
  expect(after).toHaveLength(before.length + 1)
  const atlasIndex = before.findIndex((d) => (d as { kind?: string })?.kind === 'Atlas')
  const ref = {
    adapterRef: { apiVersion: 'moment.dev/adapters/v1alpha1', kind: 'HTTP', name: adapter.name },
  }
  const atlas = structuredClone(before[atlasIndex]) as { spec: { adapters?: unknown[] } }
  atlas.spec.adapters = [...(atlas.spec.adapters ?? []), ref]
  expect(after[atlasIndex]).toEqual(atlas)
  after.forEach((doc, i) => {
    if (i !== atlasIndex && i < before.length) expect(doc).toEqual(before[i])
  })
  const spec: Record<string, unknown> = { baseUrl: adapter.baseUrl }
  if (adapter.headers.length > 0) spec.headers = adapter.headers
  expect(after.at(-1)).toEqual({
    apiVersion: 'moment.dev/adapters/v1alpha1',
    kind: 'HTTP',
    metadata: { name: adapter.name },
    spec,
  })

  // A line comparison shows added lines only, within SPEC's exceptions.
  const eol = input.includes('\r\n') ? '\r\n' : '\n'
  let old = input
  if (!old.endsWith('\n')) old += eol
  old = old.replace(/^( *adapters:) \[\]/m, '$1')
  const oldLines = old.split('\n')
  const newLines = (output.endsWith('\n') ? output : output + eol).split('\n')
  let matched = 0
  for (const line of newLines)
    if (matched < oldLines.length && line === oldLines[matched]) matched++
  expect(matched).toBe(oldLines.length)
  const addsKey = /^ *adapters:/m.test(input) ? 0 : 1
  const headerLines = adapter.headers.length > 0 ? 1 + 2 * adapter.headers.length : 0
  expect(newLines.length - oldLines.length).toBe(addsKey + 4 + 7 + headerLines)
  expect(output.endsWith('\n')).toBe(input.endsWith('\n'))
  if (eol === '\r\n') expect(/[^\r]\n/.test(output)).toBe(false)
  return output
}

describe('adding an adapter to random configurations', () => {
  test('keeps every original line and document, and a second edit holds too', () => {
    fc.assert(
      fc.property(configArb, adapterArb, adapterArb, (config, first, second) => {
        fc.pre(!config.adapters.includes(first.name))
        fc.pre(!config.adapters.includes(second.name) && second.name !== first.name)
        const input = render(config)

        const once = checkEdit(input, first)
        checkEdit(once, second)
      }),
      { numRuns: 1500 },
    )
  }, 120_000)

  test('gives the same result when the file is treated as a big one', () => {
    fc.assert(
      fc.property(configArb, adapterArb, (config, adapter) => {
        fc.pre(!config.adapters.includes(adapter.name))
        const input = render(config)

        const big = checkEdit(input, adapter, 0)

        expect(big).toBe(editText(input, adapter))
      }),
      { numRuns: 700 },
    )
  }, 120_000)
})
