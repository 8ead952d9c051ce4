import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { parseDocument } from 'yaml'

import { isPlainBlockYaml } from '../../src/config/plain-yaml.js'

const plain = (text: string) => isPlainBlockYaml(text, 0, text.length)

const ADAPTER = `---
apiVersion: moment.dev/adapters/v1alpha1
kind: HTTP
metadata:
  name: github  # the main one
spec:
  baseUrl: https://api.github.com
  headers:
  - name: Authorization
    value: token \${{ GITHUB_TOKEN }}
  - name: "Accept"
    value: 'application/json'
  empty: {}
`

describe('the plain YAML check', () => {
  test('accepts a plain adapter document, with dashes under or indented from their key', () => {
    expect(plain(ADAPTER)).toBe(true)
    expect(
      plain(ADAPTER.replace(/^ {2}- /gm, '    - ').replace(/^ {4}value/gm, '      value')),
    ).toBe(true)
  })

  test.each([
    ['a key given twice', ADAPTER.replace('kind: HTTP\n', 'kind: HTTP\nkind: AWS\n')],
    ['a tab', ADAPTER.replace('  baseUrl', '\tbaseUrl')],
    ['a key indented too far', ADAPTER.replace('  baseUrl', '   baseUrl')],
    ['an anchor', ADAPTER.replace('name: github', 'name: &gh github')],
    ['a block scalar', ADAPTER.replace('kind: HTTP', 'kind: |\n  HTTP')],
    ['a quoted key', ADAPTER.replace('kind: HTTP', '"kind": HTTP')],
    ['a multi-line flow mapping', ADAPTER.replace('empty: {}', 'empty: {\n    a: 1 }')],
    ['an empty value followed by a sibling', ADAPTER.replace('kind: HTTP', 'kind:')],
    ['a value with ": "', ADAPTER.replace('kind: HTTP', 'kind: a: b')],
    ['a second document', ADAPTER + '---\na: 1\n'],
    ['a directive', '%YAML 1.2\n' + ADAPTER],
  ])('declines %s', (_what, text) => {
    expect(plain(text)).toBe(false)
  })

  test('never accepts text the YAML library refuses', () => {
    const lines = ADAPTER.split('\n')
    const mutation = fc.record({
      at: fc.nat(lines.length - 1),
      kind: fc.constantFrom('delete', 'duplicate', 'indent', 'dedent', 'colon', 'quote', 'dash'),
    })
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (mutations) => {
        const mutated = [...lines]
        for (const { at, kind } of mutations) {
          const line = mutated[at % mutated.length] ?? ''
          const i = at % mutated.length
          if (kind === 'delete') mutated.splice(i, 1)
          else if (kind === 'duplicate') mutated.splice(i, 0, line)
          else if (kind === 'indent') mutated[i] = ' ' + line
          else if (kind === 'dedent') mutated[i] = line.replace(/^ /, '')
          else if (kind === 'colon') mutated[i] = line.replace(': ', ':')
          else if (kind === 'quote') mutated[i] = line.replace(/: (.)/, ': "$1')
          else mutated[i] = '- ' + line.trimStart()
        }
        const text = mutated.join('\n')
        if (plain(text)) expect(parseDocument(text).errors).toEqual([])
      }),
      { numRuns: 1500 },
    )
  })
})
