import { describe, expect, test } from 'vitest'

import { addHttpAdapter, type HttpAdapter } from '../../src/config/add-adapter.js'
import { ConfigError } from '../../src/config/atlas-file.js'
import { decodeSource } from '../../src/config/source.js'

const STATUS: HttpAdapter = { name: 'status', baseUrl: 'https://status.example.com', headers: [] }

const HEAD = `apiVersion: moment.dev/atlas/v1alpha1
kind: Atlas
metadata:
  name: dev-atlas
`

const GITHUB_DOC = `---
apiVersion: moment.dev/adapters/v1alpha1
kind: HTTP
metadata:
  name: github
spec:
  baseUrl: https://api.github.com
`

const STATUS_DOC = `---
apiVersion: moment.dev/adapters/v1alpha1
kind: HTTP
metadata:
  name: status
spec:
  baseUrl: https://status.example.com
`

const STATUS_REF = `  - adapterRef:
      apiVersion: moment.dev/adapters/v1alpha1
      kind: HTTP
      name: status
`

function edit(input: string, adapter: HttpAdapter = STATUS, composeAllLimit?: number): string {
  return addHttpAdapter(decodeSource(Buffer.from(input)), 'atlas.yml', adapter, { composeAllLimit })
    .text
}

function refusal(input: string | Buffer, adapter: HttpAdapter = STATUS): ConfigError {
  try {
    addHttpAdapter(
      decodeSource(typeof input === 'string' ? Buffer.from(input) : input),
      'atlas.yml',
      adapter,
    )
  } catch (error) {
    if (error instanceof ConfigError) return error
    throw error
  }
  throw new Error('expected a refusal')
}

describe('placement', () => {
  test('adds after the last item of an indented list, copying its dash column', () => {
    const input = `${HEAD}spec:
  adapters:
    - adapterRef:
        apiVersion: moment.dev/adapters/v1alpha1
        kind: HTTP
        name: github
  exposedPorts: {}
${GITHUB_DOC}`

    expect(edit(input)).toBe(`${HEAD}spec:
  adapters:
    - adapterRef:
        apiVersion: moment.dev/adapters/v1alpha1
        kind: HTTP
        name: github
    - adapterRef:
        apiVersion: moment.dev/adapters/v1alpha1
        kind: HTTP
        name: status
  exposedPorts: {}
${GITHUB_DOC}${STATUS_DOC}`)
  })

  test('adds before an own-line comment that follows the last item, even a commented-out item', () => {
    const input = `${HEAD}spec:
  adapters:
  - adapterRef:
      apiVersion: moment.dev/adapters/v1alpha1
      kind: HTTP
      name: github
  # - adapterRef:
  #     apiVersion: moment.dev/adapters/v1alpha1
  #     kind: HTTP
  #     name: old
  exposedPorts: {}
${GITHUB_DOC}`

    expect(edit(input)).toBe(`${HEAD}spec:
  adapters:
  - adapterRef:
      apiVersion: moment.dev/adapters/v1alpha1
      kind: HTTP
      name: github
${STATUS_REF}  # - adapterRef:
  #     apiVersion: moment.dev/adapters/v1alpha1
  #     kind: HTTP
  #     name: old
  exposedPorts: {}
${GITHUB_DOC}${STATUS_DOC}`)
  })

  test('keeps comments before, between and on the lines of items, and blank lines after them', () => {
    const input = `${HEAD}spec:
  # the adapters this instance loads
  adapters: # keep sorted
  # first
  - adapterRef: # github
      apiVersion: moment.dev/adapters/v1alpha1 # v1
      kind: HTTP

      name: github # last line

  # trailing own-line comment

  exposedPorts: {}
${GITHUB_DOC}`

    expect(edit(input)).toBe(`${HEAD}spec:
  # the adapters this instance loads
  adapters: # keep sorted
  # first
  - adapterRef: # github
      apiVersion: moment.dev/adapters/v1alpha1 # v1
      kind: HTTP

      name: github # last line
${STATUS_REF}
  # trailing own-line comment

  exposedPorts: {}
${GITHUB_DOC}${STATUS_DOC}`)
  })

  test('turns adapters: [] into a block list, keeping a comment on that line', () => {
    const input = `${HEAD}spec:
  adapters: [] # none yet
  exposedPorts: {}
`

    expect(edit(input)).toBe(`${HEAD}spec:
  adapters: # none yet
${STATUS_REF}  exposedPorts: {}
${STATUS_DOC}`)
  })

  test('writes the list of adapters: [] in the style of the document other lists', () => {
    const input = `apiVersion: moment.dev/atlas/v1alpha1
kind: Atlas
metadata:
    name: dev-atlas
spec:
    adapters: []
    identityProviders:
        -   name: auth0
            issuer: https://example.auth0.com/
`

    expect(edit(input, { ...STATUS, headers: [{ name: 'Accept', value: 'text/plain' }] }))
      .toBe(`apiVersion: moment.dev/atlas/v1alpha1
kind: Atlas
metadata:
    name: dev-atlas
spec:
    adapters:
        -   adapterRef:
                apiVersion: moment.dev/adapters/v1alpha1
                kind: HTTP
                name: status
    identityProviders:
        -   name: auth0
            issuer: https://example.auth0.com/
---
apiVersion: moment.dev/adapters/v1alpha1
kind: HTTP
metadata:
    name: status
spec:
    baseUrl: https://status.example.com
    headers:
        -   name: Accept
            value: text/plain
`)
  })

  test('adds a missing adapters key as the first key of spec, below the spec line', () => {
    const input = `${HEAD}spec: # instance settings
  # where it listens
  listenAddress: 0.0.0.0:8443
`

    expect(edit(input)).toBe(`${HEAD}spec: # instance settings
  adapters:
${STATUS_REF}  # where it listens
  listenAddress: 0.0.0.0:8443
${STATUS_DOC}`)
  })

  test('adds a missing adapters key in a 4-space document with 4-space indents', () => {
    const input = `apiVersion: moment.dev/atlas/v1alpha1
kind: Atlas
metadata:
    name: dev-atlas
spec:
    listenAddress: 0.0.0.0:8443
`

    expect(edit(input, { ...STATUS, headers: [{ name: 'Accept', value: 'text/plain' }] }))
      .toBe(`apiVersion: moment.dev/atlas/v1alpha1
kind: Atlas
metadata:
    name: dev-atlas
spec:
    adapters:
    - adapterRef:
          apiVersion: moment.dev/adapters/v1alpha1
          kind: HTTP
          name: status
    listenAddress: 0.0.0.0:8443
---
apiVersion: moment.dev/adapters/v1alpha1
kind: HTTP
metadata:
    name: status
spec:
    baseUrl: https://status.example.com
    headers:
    - name: Accept
      value: text/plain
`)
  })

  test('fills an adapters key that has no value', () => {
    const input = `${HEAD}spec:
  adapters:
  exposedPorts: {}
`

    expect(edit(input)).toBe(`${HEAD}spec:
  adapters:
${STATUS_REF}  exposedPorts: {}
${STATUS_DOC}`)
  })

  test('adds to a flow list of two items with their spacing and separator', () => {
    const input = `${HEAD}spec:
  adapters: [ { adapterRef: { apiVersion: moment.dev/adapters/v1alpha1, kind: HTTP, name: a } },  { adapterRef: { apiVersion: moment.dev/adapters/v1alpha1, kind: HTTP, name: b } } ]
`

    expect(edit(input)).toBe(`${HEAD}spec:
  adapters: [ { adapterRef: { apiVersion: moment.dev/adapters/v1alpha1, kind: HTTP, name: a } },  { adapterRef: { apiVersion: moment.dev/adapters/v1alpha1, kind: HTTP, name: b } },  { adapterRef: { apiVersion: moment.dev/adapters/v1alpha1, kind: HTTP, name: status } } ]
${STATUS_DOC}`)
  })

  test('adds to a flow spec mapping inside it', () => {
    const input = `${HEAD}spec: {listenAddress: 0.0.0.0:8443}
`

    expect(edit(input))
      .toBe(`${HEAD}spec: {adapters: [{adapterRef: {apiVersion: moment.dev/adapters/v1alpha1, kind: HTTP, name: status}}], listenAddress: 0.0.0.0:8443}
${STATUS_DOC}`)
  })

  test('keeps a directive, --- and ... and adds the adapterRef before the ...', () => {
    const input = `%YAML 1.2
---
${HEAD}spec:
  adapters:
  - adapterRef: {apiVersion: moment.dev/adapters/v1alpha1, kind: HTTP, name: github}
...
# between documents
${GITHUB_DOC}...
`

    expect(edit(input)).toBe(`%YAML 1.2
---
${HEAD}spec:
  adapters:
  - adapterRef: {apiVersion: moment.dev/adapters/v1alpha1, kind: HTTP, name: github}
${STATUS_REF}...
# between documents
${GITHUB_DOC}...
${STATUS_DOC}`)
  })

  test('adds to an Atlas document that comes after adapter documents', () => {
    const input = `${GITHUB_DOC}---
${HEAD}spec:
  adapters:
  - adapterRef:
      apiVersion: moment.dev/adapters/v1alpha1
      kind: HTTP
      name: github
`

    expect(edit(input)).toBe(`${GITHUB_DOC}---
${HEAD}spec:
  adapters:
  - adapterRef:
      apiVersion: moment.dev/adapters/v1alpha1
      kind: HTTP
      name: github
${STATUS_REF}${STATUS_DOC}`)
  })

  test('adds at the end of a one-document file without a final newline, which again ends without one', () => {
    const input = `${HEAD}spec:
  adapters:
  - adapterRef:
      apiVersion: moment.dev/adapters/v1alpha1
      kind: HTTP
      name: github`

    expect(edit(input)).toBe(`${HEAD}spec:
  adapters:
  - adapterRef:
      apiVersion: moment.dev/adapters/v1alpha1
      kind: HTTP
      name: github
${STATUS_REF}${STATUS_DOC.replace(/\n$/, '')}`)
  })

  test('keeps anchors and aliases', () => {
    const input = `${HEAD}spec:
  adapters:
  - &github adapterRef:
      apiVersion: &api moment.dev/adapters/v1alpha1
      kind: HTTP
      name: github
  defaults: {api: *api}
`

    expect(edit(input)).toBe(`${HEAD}spec:
  adapters:
  - &github adapterRef:
      apiVersion: &api moment.dev/adapters/v1alpha1
      kind: HTTP
      name: github
  - adapterRef:
      apiVersion: moment.dev/adapters/v1alpha1
      kind: HTTP
      name: status
  defaults: {api: *api}
${STATUS_DOC}`)
  })

  test('copies a dash with the key on the next line, and extra spaces after a dash', () => {
    const nextLine = `${HEAD}spec:
  adapters:
  -
    adapterRef:
      apiVersion: moment.dev/adapters/v1alpha1
      kind: HTTP
      name: github
`
    const wide = `${HEAD}spec:
  adapters:
  -   adapterRef:
        apiVersion: moment.dev/adapters/v1alpha1
        kind: HTTP
        name: github
`

    expect(edit(nextLine)).toBe(`${nextLine}  -
    adapterRef:
      apiVersion: moment.dev/adapters/v1alpha1
      kind: HTTP
      name: status
${STATUS_DOC}`)
    expect(edit(wide)).toBe(`${wide}  -   adapterRef:
        apiVersion: moment.dev/adapters/v1alpha1
        kind: HTTP
        name: status
${STATUS_DOC}`)
  })

  test('adds a block item after a flow item in a block list', () => {
    const input = `${HEAD}spec:
  adapters:
  - {adapterRef: {apiVersion: moment.dev/adapters/v1alpha1, kind: HTTP, name: github}}  # flow
`

    expect(edit(input)).toBe(`${input}${STATUS_REF}${STATUS_DOC}`)
  })

  test('adds after a last item that ends in a block scalar', () => {
    const input = `${HEAD}spec:
  adapters:
  - adapterRef:
      apiVersion: moment.dev/adapters/v1alpha1
      kind: HTTP
      name: github
    note: |
      read only

  exposedPorts: {}
`

    expect(edit(input)).toBe(`${HEAD}spec:
  adapters:
  - adapterRef:
      apiVersion: moment.dev/adapters/v1alpha1
      kind: HTTP
      name: github
    note: |
      read only
${STATUS_REF}
  exposedPorts: {}
${STATUS_DOC}`)
  })

  test('gives the same result when documents are read from lines rather than composed', () => {
    const input = `# leading comment
${HEAD}spec:
  adapters:
  - adapterRef:
      apiVersion: moment.dev/adapters/v1alpha1
      kind: HTTP
      name: github
${GITHUB_DOC}---
apiVersion: 'moment.dev/adapters/v1alpha1'
kind: AWS
metadata: {name: aws}
`

    expect(edit(input, STATUS, 0)).toBe(edit(input))
    expect(() => edit(input, { ...STATUS, name: 'aws' }, 0)).toThrow(/already defined/)
  })

  test('adds a second adapter to the result of a first', () => {
    const input = `${HEAD}spec:
  adapters: []
`

    const once = edit(input)
    const twice = edit(once, { name: 'other', baseUrl: 'http://127.0.0.1:9000/base', headers: [] })

    expect(twice).toBe(`${HEAD}spec:
  adapters:
${STATUS_REF}  - adapterRef:
      apiVersion: moment.dev/adapters/v1alpha1
      kind: HTTP
      name: other
${STATUS_DOC}---
apiVersion: moment.dev/adapters/v1alpha1
kind: HTTP
metadata:
  name: other
spec:
  baseUrl: http://127.0.0.1:9000/base
`)
  })
})

describe('new scalars', () => {
  test.each([
    ['yes', '"yes"'],
    ['on', '"on"'],
    ['n', '"n"'],
    ['1e3', '"1e3"'],
    ['0x1f', '"0x1f"'],
    ['2024-01-01', '"2024-01-01"'],
    ['123', '"123"'],
    ['null', '"null"'],
    ['heroku-2', 'heroku-2'],
  ])('writes the name %s as %s', (name, written) => {
    const output = edit(`${HEAD}spec:\n  adapters: []\n`, { ...STATUS, name })

    expect(output).toContain(`      name: ${written}\n`)
    expect(output).toContain(`metadata:\n  name: ${written}\n`)
  })

  test.each([
    ['*star', '"*star"'],
    ['&amp', '"&amp"'],
    ['!bang', '"!bang"'],
    ['%pct', '"%pct"'],
    ['@at', '"@at"'],
    ['`tick', '"`tick"'],
    ["'single", `"'single"`],
    ['"double', `'"double'`],
    ['a: b', '"a: b"'],
    ['a #b', '"a #b"'],
    ['~', '"~"'],
    ['=', '"="'],
    ['<<', '"<<"'],
    ['', '""'],
    ['application/vnd.heroku+json; version=3', 'application/vnd.heroku+json; version=3'],
    ['Bearer ${{ TOKEN }}', 'Bearer ${{ TOKEN }}'],
  ])('writes the header value %j as %s', (value, written) => {
    const output = edit(`${HEAD}spec:\n  adapters: []\n`, {
      ...STATUS,
      headers: [{ name: 'X-Value', value }],
    })

    expect(output).toContain(`  - name: X-Value\n    value: ${written}\n`)
  })

  test('never folds a long value', () => {
    const value = 'Bearer ${{ TOKEN }} ' + 'word '.repeat(60) + 'end'

    const output = edit(`${HEAD}spec:\n  adapters: []\n`, {
      ...STATUS,
      headers: [{ name: 'X-Long', value }],
    })

    expect(output).toContain(`    value: ${value}\n`)
  })
})

describe('refusals', () => {
  const LIST = `${HEAD}spec:
  adapters:
  - adapterRef:
      apiVersion: moment.dev/adapters/v1alpha1
      kind: HTTP
      name: github
${GITHUB_DOC}`

  test('refuses a name already referenced in spec.adapters, pointing at it', () => {
    const error = refusal(LIST, { ...STATUS, name: 'github' })

    expect(error.code).toBe('ADAPTER_EXISTS')
    expect(error.toLine()).toBe(
      'atlas.yml:10:13: an adapter named "github" is already referenced in spec.adapters; choose another --adapter-name',
    )
  })

  test('compares names as the text Atlas reads, not as YAML numbers', () => {
    const input = `${HEAD}spec:\n  adapters:\n  - adapterRef: {apiVersion: moment.dev/adapters/v1alpha1, kind: HTTP, name: 00}\n---\napiVersion: moment.dev/adapters/v1alpha1\nkind: HTTP\nmetadata:\n  name: 007\n`

    expect(edit(input, { ...STATUS, name: '0' })).toContain('name: "0"')
    expect(edit(input, { ...STATUS, name: '7' })).toContain('name: "7"')
    expect(refusal(input, { ...STATUS, name: '00' }).code).toBe('ADAPTER_EXISTS')
    expect(refusal(input, { ...STATUS, name: '007' }).toLine()).toMatch(
      /already defined by an adapter document/,
    )
  })

  test('refuses a name already defined by an adapter document only', () => {
    const input =
      LIST + '---\napiVersion: moment.dev/adapters/v1alpha1\nkind: AWS\nmetadata:\n  name: aws\n'

    const error = refusal(input, { ...STATUS, name: 'aws' })

    expect(error.toLine()).toBe(
      'atlas.yml:22:9: an adapter named "aws" is already defined by an adapter document; choose another --adapter-name',
    )
  })

  test.each([
    ['a space inside the name', 'token ${{ GITHUB TOKEN }}', 20, 18],
    ['no closing braces', 'token ${{ GITHUB_TOKEN', 20, 18],
    ['an empty reference', '"${{}}"', 20, 13],
    ['a malformed one after a # inside quotes', '"a #b ${{ 1X }}"', 20, 18],
  ])(
    'refuses a malformed reference already in the file (%s), at its line and column',
    (_what, value, line, column) => {
      const input = `${LIST}  headers:\n  - name: Authorization\n    value: ${value}\n`

      const error = refusal(input)

      expect(error.code).toBe('BAD_REFERENCE')
      expect(error.toLine()).toMatch(new RegExp(`^atlas\\.yml:${line}:${column}: `))
    },
  )

  test('ignores a malformed reference in a comment and accepts one in a quoted string', () => {
    const input = `${LIST}  # e.g. \${{ NOT A REF\n  headers:\n  - name: X-A\n    value: "# \${{ A }}" # \${{\n  - name: X-B\n    value: 'it''s #1 \${{ B }}'\n`

    const output = edit(input)

    expect(
      output.startsWith(input.replace('      name: github\n', `      name: github\n${STATUS_REF}`)),
    ).toBe(true)
  })

  test.each([
    ['the list', 'spec:\n  adapters: &list\n  - adapterRef: {name: github}\n  copy: *list\n', 8, 9],
    ['spec', 'spec: &spec\n  adapters:\n  - adapterRef: {name: github}\nmirror: *spec\n', 8, 9],
  ])(
    'refuses to add to an adapters list an alias repeats through an anchor on %s',
    (_what, body, line, column) => {
      const error = refusal(HEAD + body)

      expect(error.code).toBe('ADAPTERS_ALIASED')
      expect(error.toLine()).toMatch(
        new RegExp(`^atlas\\.yml:${line}:${column}: spec\\.adapters is repeated by the alias \\*`),
      )
    },
  )

  test('adds to an anchored adapters list that no alias repeats', () => {
    const input = `${HEAD}x: &unrelated 1\nspec:\n  adapters: &list\n  - adapterRef: {name: github}\n  other: *unrelated\n`

    expect(edit(input)).toBe(
      input.replace('{name: github}\n', `{name: github}\n${STATUS_REF}`) + STATUS_DOC,
    )
  })

  test('refuses spec.adapters that is a mapping, with its line and column', () => {
    const error = refusal(`${HEAD}spec:\n  adapters:\n    github: {}\n`)

    expect(error.toLine()).toBe('atlas.yml:7:5: spec.adapters is a mapping; expected a list')
  })

  test('refuses spec.adapters that is a string or null', () => {
    expect(refusal(`${HEAD}spec:\n  adapters: github\n`).toLine()).toBe(
      'atlas.yml:6:13: spec.adapters is a string; expected a list',
    )
    expect(refusal(`${HEAD}spec:\n  adapters: ~\n`).code).toBe('ADAPTERS_NOT_A_LIST')
  })

  test('refuses a file without an Atlas document, saying what it found', () => {
    const error = refusal(GITHUB_DOC + '---\nfoo: bar\n')

    expect(error.toLine()).toBe(
      'atlas.yml: no Atlas document (a document with a spec mapping that is not an adapter document); found 1 adapter document and 1 other document',
    )
  })

  test('refuses two Atlas documents, naming their lines', () => {
    const error = refusal(`${HEAD}spec: {}\n---\n${HEAD}spec:\n  adapters: []\n`)

    expect(error.toLine()).toBe(
      'atlas.yml:11:1: found 2 Atlas documents (spec at lines 5, 11); expected one',
    )
  })

  test('refuses YAML that does not parse, with line and column not shifted by a byte order mark', () => {
    const input = Buffer.from('\uFEFF' + `${HEAD}spec:\n  adapters: [\n  exposedPorts: {}\n`)

    const error = refusal(input)

    expect(error.code).toBe('PARSE_ERROR')
    expect(error.toLine()).toMatch(/^atlas\.yml:\d+:\d+: YAML does not parse: /)
  })

  test('refuses a parse error in an adapter document at its line', () => {
    const error = refusal(
      LIST +
        '---\napiVersion: moment.dev/adapters/v1alpha1\nkind: HTTP\nmetadata:\n  name: x\n  name: y\n',
    )

    expect(error.toLine()).toBe('atlas.yml:23:3: YAML does not parse: map keys must be unique')
  })

  test('refuses bytes that are not UTF-8', () => {
    expect(() => decodeSource(Buffer.from([0x61, 0xff, 0x0a]))).toThrow('is not UTF-8 text')
  })
})
