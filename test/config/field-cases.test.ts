import { describe, expect, test } from 'vitest'

import { addHttpAdapter, type HttpAdapter } from '../../src/config/add-adapter.js'
import { decodeSource, encodeSource } from '../../src/config/source.js'

// CMD0 of FIELD-CASES.md: the standard edit.
const HEROKU: HttpAdapter = {
  name: 'heroku',
  baseUrl: 'https://api.heroku.com',
  headers: [{ name: 'Authorization', value: 'Bearer ${{ HEROKU_API_KEY }}' }],
}

const B0 = `apiVersion: moment.dev/atlas/v1alpha1
kind: Atlas
metadata:
  name: dev-atlas
spec:
  adapters:
  - adapterRef:
      apiVersion: moment.dev/adapters/v1alpha1
      kind: HTTP
      name: github
  exposedPorts: {}
---
apiVersion: moment.dev/adapters/v1alpha1
kind: HTTP
metadata:
  name: github
spec:
  baseUrl: https://api.github.com
  headers:
  - name: Authorization
    value: token \${{ GITHUB_TOKEN }}
`

const REF0 = `  - adapterRef:
      apiVersion: moment.dev/adapters/v1alpha1
      kind: HTTP
      name: heroku
`

const DOC0 = `---
apiVersion: moment.dev/adapters/v1alpha1
kind: HTTP
metadata:
  name: heroku
spec:
  baseUrl: https://api.heroku.com
  headers:
  - name: Authorization
    value: Bearer \${{ HEROKU_API_KEY }}
`

function edit(input: string | Buffer, adapter: HttpAdapter = HEROKU): string {
  const source = decodeSource(typeof input === 'string' ? Buffer.from(input) : input)
  return encodeSource(addHttpAdapter(source, 'atlas.yml', adapter).text, source.hasBom).toString(
    'utf8',
  )
}

describe('field cases', () => {
  test('keeps the trailing comment of the last list entry and adds after it (2)', () => {
    const input = `apiVersion: moment.dev/atlas/v1alpha1
kind: Atlas
metadata:
  name: dev-atlas
spec:
  adapters:
  - adapterRef:
      apiVersion: moment.dev/adapters/v1alpha1
      kind: HTTP
      name: github
  - adapterRef:
      apiVersion: moment.dev/adapters/v1alpha1
      kind: HTTP
      name: stripe  # owner: payments, see https://wiki.example.com/atlas#stripe
  listenAddress: 0.0.0.0:8443
---
apiVersion: moment.dev/adapters/v1alpha1
kind: HTTP
metadata:
  name: github
spec:
  baseUrl: https://api.github.com
---
apiVersion: moment.dev/adapters/v1alpha1
kind: HTTP
metadata:
  name: stripe
spec:
  baseUrl: https://api.stripe.com
  headers:
  - name: Authorization
    value: Bearer \${{ STRIPE_SECRET_KEY }}
`

    const output = edit(input)

    expect(output).toBe(`apiVersion: moment.dev/atlas/v1alpha1
kind: Atlas
metadata:
  name: dev-atlas
spec:
  adapters:
  - adapterRef:
      apiVersion: moment.dev/adapters/v1alpha1
      kind: HTTP
      name: github
  - adapterRef:
      apiVersion: moment.dev/adapters/v1alpha1
      kind: HTTP
      name: stripe  # owner: payments, see https://wiki.example.com/atlas#stripe
${REF0}  listenAddress: 0.0.0.0:8443
---
apiVersion: moment.dev/adapters/v1alpha1
kind: HTTP
metadata:
  name: github
spec:
  baseUrl: https://api.github.com
---
apiVersion: moment.dev/adapters/v1alpha1
kind: HTTP
metadata:
  name: stripe
spec:
  baseUrl: https://api.stripe.com
  headers:
  - name: Authorization
    value: Bearer \${{ STRIPE_SECRET_KEY }}
${DOC0}`)
  })

  test('keeps --- and both ... markers and adds the adapterRef before the first ... (3)', () => {
    const input = `---
apiVersion: moment.dev/atlas/v1alpha1
kind: Atlas
metadata:
  name: dev-atlas
spec:
  adapters:
  - adapterRef:
      apiVersion: moment.dev/adapters/v1alpha1
      kind: HTTP
      name: github
...
---
apiVersion: moment.dev/adapters/v1alpha1
kind: HTTP
metadata:
  name: github
spec:
  baseUrl: https://api.github.com
  headers:
  - name: Authorization
    value: token \${{ GITHUB_TOKEN }}
...
`

    const output = edit(input)

    expect(output).toBe(`---
apiVersion: moment.dev/atlas/v1alpha1
kind: Atlas
metadata:
  name: dev-atlas
spec:
  adapters:
  - adapterRef:
      apiVersion: moment.dev/adapters/v1alpha1
      kind: HTTP
      name: github
${REF0}...
---
apiVersion: moment.dev/adapters/v1alpha1
kind: HTTP
metadata:
  name: github
spec:
  baseUrl: https://api.github.com
  headers:
  - name: Authorization
    value: token \${{ GITHUB_TOKEN }}
...
${DOC0}`)
  })

  test('copies 4-space style with indented dashes and leaves quotes alone (4)', () => {
    const input = `apiVersion: "moment.dev/atlas/v1alpha1"
kind: Atlas
metadata:
    name: "dev-atlas"
spec:
    adapters:
        - adapterRef:
              apiVersion: "moment.dev/adapters/v1alpha1"
              kind: HTTP
              name: "github"
    exposedPorts: {}
---
apiVersion: "moment.dev/adapters/v1alpha1"
kind: HTTP
metadata:
    name: "github"
spec:
    baseUrl: "https://api.github.com"
    headers:
        - name: Authorization
          value: "token \${{ GITHUB_TOKEN }}"
`

    const output = edit(input)

    expect(output).toBe(`apiVersion: "moment.dev/atlas/v1alpha1"
kind: Atlas
metadata:
    name: "dev-atlas"
spec:
    adapters:
        - adapterRef:
              apiVersion: "moment.dev/adapters/v1alpha1"
              kind: HTTP
              name: "github"
        - adapterRef:
              apiVersion: moment.dev/adapters/v1alpha1
              kind: HTTP
              name: heroku
    exposedPorts: {}
---
apiVersion: "moment.dev/adapters/v1alpha1"
kind: HTTP
metadata:
    name: "github"
spec:
    baseUrl: "https://api.github.com"
    headers:
        - name: Authorization
          value: "token \${{ GITHUB_TOKEN }}"
---
apiVersion: moment.dev/adapters/v1alpha1
kind: HTTP
metadata:
    name: heroku
spec:
    baseUrl: https://api.heroku.com
    headers:
        - name: Authorization
          value: Bearer \${{ HEROKU_API_KEY }}
`)
  })

  test('appends to a one-line flow list on the same line, spaced like its item (5)', () => {
    const atlas = `apiVersion: moment.dev/atlas/v1alpha1
kind: Atlas
metadata:
  name: dev-atlas
spec:
  adapters: [{adapterRef: {apiVersion: moment.dev/adapters/v1alpha1, kind: HTTP, name: "github"}}]
  exposedPorts: {}
  logging: {format: json, level: info}
`
    const rest = B0.slice(B0.indexOf('---\n'))

    const output = edit(atlas + rest)

    expect(output).toBe(`apiVersion: moment.dev/atlas/v1alpha1
kind: Atlas
metadata:
  name: dev-atlas
spec:
  adapters: [{adapterRef: {apiVersion: moment.dev/adapters/v1alpha1, kind: HTTP, name: "github"}}, {adapterRef: {apiVersion: moment.dev/adapters/v1alpha1, kind: HTTP, name: heroku}}]
  exposedPorts: {}
  logging: {format: json, level: info}
${rest}${DOC0}`)
  })

  test('keeps exactly one byte order mark and counts columns after it (7)', () => {
    const input = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from('# Atlas for the data team\n' + B0),
    ])

    const output = Buffer.from(edit(input))

    expect([...output.subarray(0, 4)]).toEqual([0xef, 0xbb, 0xbf, 0x23])
    expect(output.toString('utf8')).toBe(
      '\uFEFF# Atlas for the data team\n' +
        B0.replace('  exposedPorts', REF0 + '  exposedPorts') +
        DOC0,
    )
  })

  test('writes CRLF on every new line of a CRLF file (8)', () => {
    const input = B0.replace(/\n/g, '\r\n')

    const output = edit(input)

    expect(output).toBe(
      (B0.replace('  exposedPorts', REF0 + '  exposedPorts') + DOC0).replace(/\n/g, '\r\n'),
    )
    expect(output.match(/\r\n/g)!.length).toBe(output.split('\n').length - 1)
    expect(/[^\r]\n/.test(output)).toBe(false)
  })

  test('writes CRLF before the appended document in a CRLF file without a final newline (8)', () => {
    const input = B0.replace(/\n/g, '\r\n').replace(/\r\n$/, '')

    const output = edit(input)

    const expected = (B0.replace('  exposedPorts', REF0 + '  exposedPorts') + DOC0).replace(
      /\n/g,
      '\r\n',
    )
    expect(output).toBe(expected.replace(/\r\n$/, ''))
  })

  // NOTE: FIELD-CASES 10 says the result ends in a newline; SPEC section 2 says it again ends
  // without one, as the original did. SPEC is the contract, so that is what is pinned here.
  test('puts the new document on its own line after a final comment without a newline (10)', () => {
    const input = B0 + '# github-2 retired 2024-05-01; see runbook'

    const output = edit(input)

    expect(output).toBe(
      B0.replace('  exposedPorts', REF0 + '  exposedPorts') +
        '# github-2 retired 2024-05-01; see runbook\n' +
        DOC0.replace(/\n$/, ''),
    )
    expect(output).not.toMatch(/runbook---|\}\}---/)
  })
})
