import fc from 'fast-check'
import { describe, expect, test } from 'vitest'

import { basePathOf, findUnsafePathPart, joinUpstreamPath } from '../../src/proxy/join-url.js'

describe('joinUpstreamPath', () => {
  test.each([
    ['/api/v3', '/repos//key/45b2', '', '/api/v3/repos//key/45b2'],
    ['/api/v3', '//evil.example.com/steal', '', '/api/v3//evil.example.com/steal'],
    ['/api/v3', '///evil.example.com/steal', '', '/api/v3///evil.example.com/steal'],
    ['/base', '/items', '?page=2&sort=name', '/base/items?page=2&sort=name'],
    ['/base', '/', '', '/base/'],
    ['/base', '', '', '/base'],
    ['/base', '', '?x=1', '/base?x=1'],
    ['', '/account', '', '/account'],
    ['', '', '', '/'],
    ['', '', '?q', '/?q'],
    ['/base', '/a%20b/%E2%82%AC', '', '/base/a%20b/%E2%82%AC'],
    ['/base', '/file.tar.gz', '', '/base/file.tar.gz'],
    ['/base', '/...', '', '/base/...'],
    ['/base', '/.well-known/x', '', '/base/.well-known/x'],
    ['/base', '/a..b/..c/d..', '', '/base/a..b/..c/d..'],
    ['/base', '/%2e%2e%2e', '', '/base/%2e%2e%2e'],
    ['/base', '/a;b=1/c', '', '/base/a;b=1/c'],
    ['/base', '/100%25', '', '/base/100%25'],
    ['/base', '/caf%C3%A9/%E2%82%AC', '', '/base/caf%C3%A9/%E2%82%AC'],
    ['/base', '/%ef%bc%8ex', '', '/base/%ef%bc%8ex'],
    ['/base', '/%e0%a4%85', '', '/base/%e0%a4%85'],
    ['/base', '/x', '?next=../../etc&u=%2F', '/base/x?next=../../etc&u=%2F'],
  ])('joins %s with %s%s as %s', (base, path, query, expected) => {
    expect(joinUpstreamPath(base, path, query)).toEqual({ target: expected })
  })

  test.each([
    ['/..', 'dot segment'],
    ['/.', 'dot segment'],
    ['/a/../b', 'dot segment'],
    ['/a/./b', 'dot segment'],
    ['/a/..', 'dot segment'],
    ['/a/.', 'dot segment'],
    ['/%2e%2e/b', 'dot segment'],
    ['/%2E%2E/b', 'dot segment'],
    ['/%2e%2E/b', 'dot segment'],
    ['/.%2e/b', 'dot segment'],
    ['/%2e./b', 'dot segment'],
    ['/%2e/b', 'dot segment'],
    ['/a/%2E', 'dot segment'],
    ['/..;/b', 'dot segment'],
    ['/..;jsessionid=1/b', 'dot segment'],
    ['/a//../b', 'dot segment'],
    ['/a%2Fb', 'encoded slash'],
    ['/a%2fb', 'encoded slash'],
    ['/..%2F', 'encoded slash'],
    ['/a\\b', 'backslash'],
    ['/..\\b', 'backslash'],
    ['/a%5Cb', 'encoded backslash'],
    ['/a%5cb', 'encoded backslash'],
    ['/%252e%252e/b', 'double-encoded character'],
    ['/%252F', 'double-encoded character'],
    ['/a;x/\\', 'backslash'],
    ['/..#x', 'fragment'],
    ['/..%00/x', 'encoded NUL'],
    ['/a%00', 'encoded NUL'],
    ['/%c0%ae%c0%ae/x', 'overlong encoding'],
    ['/%C0%AE/x', 'overlong encoding'],
    ['/%e0%80%ae%e0%80%ae/x', 'overlong encoding'],
    ['/%ef%bc%8e%ef%bc%8e/x', 'dot segment'],
    ['/.%EF%BC%8E/x', 'dot segment'],
    ['/a#/../..', 'fragment'],
  ])('refuses %s (%s)', (path, reason) => {
    expect(joinUpstreamPath('/base', path, '')).toEqual({ refused: reason })
  })

  test('refuses a leading double slash when the base URL is the host root', () => {
    expect(joinUpstreamPath('', '//evil.example.com/steal', '')).toEqual({
      refused: 'leading double slash',
    })
  })

  test('never leaves the base path or the host, whatever the path holds', () => {
    const piece = fc.constantFrom(
      '/',
      '.',
      '..',
      '%2e',
      '%2E',
      '%2f',
      '%2F',
      '%5c',
      '%5C',
      '\\',
      ';',
      'a',
      'b1',
      '%',
      '%25',
      '2e',
      '%00',
      '?',
      '#',
      '%3F',
      '@',
      ':',
      'evil.example.com',
    )
    const base = fc.constantFrom('', '/base', '/api/v3', '/a/b/c')
    fc.assert(
      fc.property(base, fc.array(piece, { maxLength: 12 }), (basePath, pieces) => {
        const path = '/' + pieces.join('')
        const joined = joinUpstreamPath(basePath, path.split('?')[0]!, '')
        if ('refused' in joined) return
        // What a server reading the request line sees, WHATWG URL parsing included.
        const seen = new URL('http://upstream.test:9000' + joined.target)
        expect(seen.host).toBe('upstream.test:9000')
        expect(joined.target).toBe(basePath + path.split('?')[0])
        expect(seen.pathname === basePath || seen.pathname.startsWith(basePath + '/')).toBe(true)
        expect(decodeURIComponentSafe(seen.pathname).startsWith(basePath)).toBe(true)
      }),
      { numRuns: 3000 },
    )
  })
})

describe('findUnsafePathPart', () => {
  test('accepts an empty path and a lone slash', () => {
    expect(findUnsafePathPart('')).toBeUndefined()
    expect(findUnsafePathPart('/')).toBeUndefined()
  })
})

describe('basePathOf', () => {
  test.each([
    ['/', ''],
    ['/base', '/base'],
    ['/base/', '/base'],
    ['/api/v3//', '/api/v3'],
  ])('gives %s as %s', (pathname, expected) => {
    expect(basePathOf(pathname)).toBe(expected)
  })
})

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}
