import { describe, expect, test } from 'vitest'

import { MomError } from '../../src/errors.js'
import { loadAtlasConfig } from '../../src/proxy/load-config.js'

const ATLAS = `apiVersion: moment.dev/atlas/v1alpha1
kind: Atlas
metadata:
  name: local
spec:
  adapters:
  - adapterRef: {apiVersion: moment.dev/adapters/v1alpha1, kind: HTTP, name: stub}
`

const STUB = `---
apiVersion: moment.dev/adapters/v1alpha1
kind: HTTP
metadata:
  name: stub
spec:
  baseUrl: http://127.0.0.1:9000/base
  headers:
  - name: X-Upstream-Key
    value: \${{ STUB_KEY }}
`

function loadError(source: string, env: Record<string, string> = {}): string {
  try {
    loadAtlasConfig(source, 'atlas.yml', env)
  } catch (error) {
    if (error instanceof MomError) return error.toLine()
    throw error
  }
  throw new Error('expected the file to be refused')
}

describe('loadAtlasConfig', () => {
  test('loads the R0 file with the header value resolved and wrapped', () => {
    const config = loadAtlasConfig(ATLAS + STUB, 'atlas.yml', { STUB_KEY: 'k-123' })

    expect(config.name).toBe('local')
    expect(config.adapters).toHaveLength(1)
    const [stub] = config.adapters
    expect(stub!.name).toBe('stub')
    expect(stub!.baseUrl).toBe('http://127.0.0.1:9000/base')
    expect(stub!.url.host).toBe('127.0.0.1:9000')
    expect(stub!.headers.map((h) => [h.name, h.value.reveal()])).toEqual([
      ['X-Upstream-Key', 'k-123'],
    ])
    expect(JSON.stringify(config)).not.toContain('k-123')
  })

  test('skips referenced adapters of other kinds and ignores unreferenced documents', () => {
    const source = `apiVersion: moment.dev/atlas/v1alpha1
kind: Atlas
metadata:
  name: local
spec:
  adapters:
  - adapterRef: {apiVersion: moment.dev/adapters/v1alpha1, kind: AWS, name: aws}
  - adapterRef: {apiVersion: moment.dev/adapters/v1alpha1, kind: HTTP, name: stub}
  identityProviders:
  - oidc:
      clientId: \${{ NOT_NEEDED_HERE }}
---
apiVersion: moment.dev/adapters/v1alpha1
kind: AWS
metadata: {name: aws}
spec: {profiles: []}
${STUB}---
apiVersion: moment.dev/adapters/v1alpha1
kind: HTTP
metadata: {name: unused}
spec: {baseUrl: 'http://x', headers: [{name: A, value: '\${{ ALSO_NOT_NEEDED }}'}]}
`

    const config = loadAtlasConfig(source, 'atlas.yml', { STUB_KEY: 'k', NOT_NEEDED_HERE: 'x', ALSO_NOT_NEEDED: 'y' })

    expect(config.adapters.map((a) => a.name)).toEqual(['stub'])
    expect(config.skipped).toEqual([{ kind: 'AWS', name: 'aws' }])
    expect(() => loadAtlasConfig(source, 'atlas.yml', { STUB_KEY: 'k' })).toThrow(
      'missing environment variables NOT_NEEDED_HERE, ALSO_NOT_NEEDED',
    )
  })

  test('names every missing environment variable at once', () => {
    const source =
      ATLAS.replace(
        'name: stub}',
        'name: stub}\n  - adapterRef: {apiVersion: moment.dev/adapters/v1alpha1, kind: HTTP, name: other}',
      ) +
      STUB +
      `---
apiVersion: moment.dev/adapters/v1alpha1
kind: HTTP
metadata:
  name: other
spec:
  baseUrl: https://\${{ OTHER_HOST }}/v1
  headers:
  - name: Authorization
    value: Bearer \${{ OTHER_TOKEN }} \${{ STUB_KEY }}
`

    expect(loadError(source)).toBe(
      'atlas.yml: missing environment variables STUB_KEY, OTHER_TOKEN, OTHER_HOST; set them before starting; the file references them as ${{ NAME }}',
    )
  })

  test('names a single missing variable in the singular', () => {
    expect(loadError(ATLAS + STUB)).toBe(
      'atlas.yml: missing environment variable STUB_KEY; set it before starting; the file references it as ${{ NAME }}',
    )
  })

  test('reports YAML that does not parse with its line and column', () => {
    expect(loadError(ATLAS + STUB + 'extra: a: b\n')).toBe(
      'atlas.yml:18:8: nested mappings are not allowed in compact mappings',
    )
  })

  test('refuses a file with no Atlas document', () => {
    expect(loadError(STUB.slice(4), { STUB_KEY: 'k' })).toBe(
      'atlas.yml: no Atlas document found (1 documents: 1 adapter, 0 without a spec mapping); the Atlas document is the one document that is not an adapter and has a spec mapping',
    )
  })

  test('refuses several Atlas documents, naming where they start', () => {
    expect(loadError(ATLAS + '---\n' + ATLAS + STUB, { STUB_KEY: 'k' })).toBe(
      'atlas.yml:9:1: several Atlas documents found, starting on lines 1, 9; keep one document that is not an adapter and has a spec mapping',
    )
  })

  test('refuses spec.adapters that is not a list, at its line and column', () => {
    const source = ATLAS.replace(/ {2}adapters:\n.*\n/, '  adapters: {stub: true}\n')

    expect(loadError(source)).toBe('atlas.yml:6:13: spec.adapters must be a list')
  })

  test('refuses an adapterRef without a document', () => {
    expect(loadError(ATLAS, { STUB_KEY: 'k' })).toBe(
      'atlas.yml:7:5: adapterRef names HTTP adapter "stub", but no adapter document defines it',
    )
  })

  test('refuses an adapter without a base URL, at the spec mapping', () => {
    const source = ATLAS + STUB.replace('  baseUrl: http://127.0.0.1:9000/base\n', '')

    expect(loadError(source, { STUB_KEY: 'k' })).toBe('atlas.yml:14:3: spec.baseUrl is missing')
  })

  test.each([
    [
      'ftp://127.0.0.1/base',
      'atlas.yml:14:12: adapter "stub": base URL "ftp://127.0.0.1/base" must use http or https',
    ],
    [
      'http://u:p@127.0.0.1/base',
      'atlas.yml:14:12: adapter "stub": base URL "http://u:p@127.0.0.1/base" must not hold credentials; put them in a header',
    ],
    [
      'http://127.0.0.1/base?x=1',
      'atlas.yml:14:12: adapter "stub": base URL "http://127.0.0.1/base?x=1" must not have a query or fragment',
    ],
    ['not a url', 'atlas.yml:14:12: adapter "stub": base URL "not a url" is not an absolute URL'],
  ])('refuses the base URL %s', (baseUrl, expected) => {
    const source = ATLAS + STUB.replace('http://127.0.0.1:9000/base', baseUrl)

    expect(loadError(source, { STUB_KEY: 'k' })).toBe(expected)
  })

  test('never echoes a base URL that came from the environment', () => {
    const source = ATLAS + STUB.replace('http://127.0.0.1:9000/base', 'ftp://${{ SECRET_HOST }}/x')

    const line = loadError(source, { STUB_KEY: 'k', SECRET_HOST: 'hidden.example' })

    expect(line).toBe('atlas.yml:14:12: adapter "stub": base URL must use http or https')
  })

  test('refuses a malformed reference anywhere in the file, at its scalar', () => {
    const source = ATLAS + '  note: ${{ not valid }}\n' + STUB

    expect(loadError(source, { STUB_KEY: 'k' })).toMatch(
      /^atlas\.yml:8:9: malformed "\$\{\{ \}\}" reference/,
    )
  })

  test('refuses a resolved header value holding a line break without showing it', () => {
    const line = loadError(ATLAS + STUB, { STUB_KEY: 'k-123\r\nX-Evil: 1' })

    expect(line).toBe(
      'atlas.yml:16:11: adapter "stub": header X-Upstream-Key resolves to a value holding CR, LF or NUL',
    )
    expect(line).not.toContain('k-123')
  })

  test('refuses an invalid header name and the same header twice', () => {
    expect(loadError(ATLAS + STUB.replace('X-Upstream-Key', 'Bad Name'), { STUB_KEY: 'k' })).toBe(
      'atlas.yml:16:11: spec.headers[0].name must be an HTTP header name',
    )
    const twice = ATLAS + STUB + '  - name: x-upstream-key\n    value: again\n'
    expect(loadError(twice, { STUB_KEY: 'k' })).toBe(
      'atlas.yml:18:11: adapter "stub": header x-upstream-key is set twice',
    )
  })

  test.each(['Connection', 'Transfer-Encoding', 'Content-Length', 'Keep-Alive'])(
    'refuses an adapter header %s',
    (name) => {
      expect(loadError(ATLAS + STUB.replace('X-Upstream-Key', name), { STUB_KEY: 'k' })).toBe(
        `atlas.yml:16:11: adapter "stub": header ${name} describes one connection and cannot be set by an adapter`,
      )
    },
  )

  test('counts columns on the first line without a byte order mark', () => {
    const source = '\ufeffapiVersion: [\n'

    expect(loadError(source)).toMatch(/^atlas\.yml:2:1: /)
  })
})
