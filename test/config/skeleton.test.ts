import { describe, expect, test } from 'vitest'

import { addHttpAdapter } from '../../src/config/add-adapter.js'
import { composeSkeleton } from '../../src/config/skeleton.js'
import { decodeSource } from '../../src/config/source.js'

const HEAD =
  'apiVersion: moment.dev/atlas/v1alpha1\nkind: Atlas\nmetadata:\n  name: big\nspec:\n  adapters:\n'
const ref = (name: string) =>
  `  - adapterRef:\n      apiVersion: moment.dev/adapters/v1alpha1\n      kind: HTTP\n      name: ${name}\n`
const STATUS = { name: 'status', baseUrl: 'https://status.example.com', headers: [] }
const STATUS_DOC =
  '---\napiVersion: moment.dev/adapters/v1alpha1\nkind: HTTP\nmetadata:\n  name: status\nspec:\n  baseUrl: https://status.example.com\n'

function many(count: number): string {
  let text = HEAD
  for (let i = 0; i < count; i++) text += ref(`svc-${i}`) + (i % 7 === 0 ? '  # group\n' : '')
  return text + '  exposedPorts: {}\n'
}

describe('composing a long spec.adapters list in part', () => {
  test('leaves out all but the last items and still reads every name', () => {
    const skeleton = composeSkeleton(many(20), 1)

    expect(skeleton.omitted).toBe(19)
    expect(skeleton.names.map((n) => n.name)).toEqual(
      Array.from({ length: 19 }, (_, i) => `svc-${i}`),
    )
    expect(skeleton.dashes).toHaveLength(20)
    expect(skeleton.doc.toJS().spec.adapters).toEqual([
      { adapterRef: { apiVersion: 'moment.dev/adapters/v1alpha1', kind: 'HTTP', name: 'svc-19' } },
    ])
  })

  test('composes the list whole when a left-out item holds an anchor', () => {
    const text = many(5).replace('name: svc-1\n', 'name: &one svc-1\n') + '  again: *one\n'

    expect(composeSkeleton(text, 1).omitted).toBe(0)
  })

  test('edits a big file the same way as a small one', () => {
    const input = many(300)

    const big = addHttpAdapter(decodeSource(input), 'atlas.yml', STATUS, {
      composeAllLimit: 0,
    }).text
    const small = addHttpAdapter(decodeSource(input), 'atlas.yml', STATUS, {
      composeAllLimit: Infinity,
    }).text

    expect(big).toBe(input.replace('  exposedPorts', ref('status') + '  exposedPorts') + STATUS_DOC)
    expect(small).toBe(big)
  })

  test('refuses the name of an item that was left out, at its line', () => {
    const attempt = () =>
      addHttpAdapter(
        decodeSource(many(30)),
        'atlas.yml',
        { ...STATUS, name: 'svc-3' },
        { composeAllLimit: 0 },
      )

    expect(attempt).toThrow('an adapter named "svc-3" is already referenced in spec.adapters')
  })

  test('reports a syntax error inside a left-out item', () => {
    const text = many(30).replace('name: svc-2\n', 'name: "svc-2\n')

    expect(() =>
      addHttpAdapter(decodeSource(text), 'atlas.yml', STATUS, { composeAllLimit: 0 }),
    ).toThrow(/YAML does not parse/)
  })

  test.each([
    ['a key given twice', 'name: svc-2\n      kind: again\n'],
    ['a key indented one column short', 'name: svc-2\n     bad: indent\n'],
    ['an unclosed flow list', 'name: svc-2\n      x: [\n'],
    ['an anchor and a bad indent', 'name: &n svc-2\n     bad: indent\n'],
  ])('reports %s inside a left-out item', (_what, replacement) => {
    const text = many(30).replace('name: svc-2\n', replacement)

    expect(() =>
      addHttpAdapter(decodeSource(text), 'atlas.yml', STATUS, { composeAllLimit: 0 }),
    ).toThrow(/YAML does not parse/)
  })
})

describe('a long list in a document that is not plain YAML elsewhere', () => {
  const withAnchor = (count: number) =>
    many(count).replace(
      '  exposedPorts: {}\n',
      '  exposedPorts: &ports {}\n  note: |\n    kept\n  copy: *ports\n',
    )

  test('still leaves out the plain items of the list', () => {
    const skeleton = composeSkeleton(withAnchor(20), 1)

    expect(skeleton.omitted).toBe(19)
    expect(skeleton.doc.errors).toEqual([])
  })

  test('reports a fault inside a left-out item', () => {
    const text = withAnchor(30).replace('name: svc-2\n', 'name: svc-2\n     bad: indent\n')

    expect(() =>
      addHttpAdapter(decodeSource(text), 'atlas.yml', STATUS, { composeAllLimit: 0 }),
    ).toThrow(/YAML does not parse/)
  })

  test('edits it the same way as a small file', () => {
    const input = withAnchor(40)

    const big = addHttpAdapter(decodeSource(input), 'atlas.yml', STATUS, { composeAllLimit: 0 })
    const small = addHttpAdapter(decodeSource(input), 'atlas.yml', STATUS, {
      composeAllLimit: Infinity,
    })

    expect(big.text).toBe(small.text)
  })
})

describe('reading a long list from lines', () => {
  const styles: [string, (i: number) => string][] = [
    [
      'indented dashes',
      (i) =>
        `    - adapterRef:\n        apiVersion: moment.dev/adapters/v1alpha1\n        kind: HTTP\n        name: svc-${i}\n`,
    ],
    [
      'quoted names and comments',
      (i) =>
        `  # item ${i}: see https://wiki.example.com/#x\n  - adapterRef:\n      apiVersion: "moment.dev/adapters/v1alpha1"\n      kind: 'HTTP'\n      name: "svc-${i}"  # owner\n\n`,
    ],
    [
      'an extra key per item',
      (i) =>
        `  - adapterRef:\n      apiVersion: moment.dev/adapters/v1alpha1\n      kind: HTTP\n      name: svc-${i}\n    weight: ${i}\n`,
    ],
    ['a block scalar', (i) => `  - adapterRef:\n      name: svc-${i}\n    note: |\n      line\n`],
    [
      'flow items',
      (i) =>
        `  - {adapterRef: {apiVersion: moment.dev/adapters/v1alpha1, kind: HTTP, name: svc-${i}}}\n`,
    ],
    ['nested lists', (i) => `  - adapterRef:\n      name: svc-${i}\n    tags:\n    - a\n`],
    ['the key on the next line', (i) => `  -\n    adapterRef:\n      name: svc-${i}\n`],
  ]

  test.each(styles)('edits a big list with %s the same way as a small one', (_what, item) => {
    let input =
      'apiVersion: moment.dev/atlas/v1alpha1\nkind: Atlas\nspec:\n  listenAddress: x\n  adapters:\n'
    for (let i = 0; i < 40; i++) input += item(i)
    input += '  exposedPorts: {}\n'
    for (const eol of ['\n', '\r\n']) {
      const text = input.replace(/\n/g, eol)

      const big = addHttpAdapter(decodeSource(text), 'atlas.yml', STATUS, {
        composeAllLimit: 0,
      }).text
      const small = addHttpAdapter(decodeSource(text), 'atlas.yml', STATUS, {
        composeAllLimit: Infinity,
      }).text

      expect(big).toBe(small)
      expect(() =>
        addHttpAdapter(
          decodeSource(text),
          'atlas.yml',
          { ...STATUS, name: 'svc-7' },
          { composeAllLimit: 0 },
        ),
      ).toThrow(/already referenced/)
    }
  })

  test('reports the line of a duplicate name found in the cut lines', () => {
    const attempt = () =>
      addHttpAdapter(
        decodeSource(many(30)),
        'atlas.yml',
        { ...STATUS, name: 'svc-3' },
        { composeAllLimit: 0 },
      )

    expect(attempt).toThrow(
      expect.objectContaining({ location: { file: 'atlas.yml', line: 23, column: 13 } }),
    )
  })

  test('reports a parse error after the cut lines at its line in the file', () => {
    const text = many(30) + '  bad: [\n'

    expect(() =>
      addHttpAdapter(decodeSource(text), 'atlas.yml', STATUS, { composeAllLimit: 0 }),
    ).toThrow(expect.objectContaining({ code: 'PARSE_ERROR' }))
  })
})
