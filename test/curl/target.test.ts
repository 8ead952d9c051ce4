import { describe, expect, test } from 'vitest'

import { CurlError } from '../../src/curl/exit-codes.js'
import { parseBaseUrl, resolveTarget } from '../../src/curl/target.js'
import { UsageError } from '../../src/errors.js'

const base = parseBaseUrl('http://127.0.0.1:8080')

describe('resolveTarget', () => {
  test('appends a path to the base URL', () => {
    expect(resolveTarget(base, '/v1/apis/http/heroku/account').href).toBe(
      'http://127.0.0.1:8080/v1/apis/http/heroku/account',
    )
  })

  test('appends to the base URL path rather than replacing it', () => {
    const withPath = parseBaseUrl('https://atlas.example.com/team/')

    expect(resolveTarget(withPath, '/v1/apis').href).toBe('https://atlas.example.com/team/v1/apis')
    expect(resolveTarget(withPath, 'v1/apis?x=1').href).toBe(
      'https://atlas.example.com/team/v1/apis?x=1',
    )
  })

  test('treats a leading // as part of the path, never as a host', () => {
    expect(resolveTarget(base, '//evil.example/x').href).toBe(
      'http://127.0.0.1:8080//evil.example/x',
    )
  })

  test('accepts a full URL under the base URL', () => {
    expect(resolveTarget(base, 'http://127.0.0.1:8080/v1/apis').href).toBe(
      'http://127.0.0.1:8080/v1/apis',
    )
  })

  test('refuses a full URL elsewhere, so the credential stays with the Atlas', () => {
    expect(() => resolveTarget(base, 'https://api.github.com/user')).toThrow(UsageError)
    expect(() => resolveTarget(parseBaseUrl('http://h/team'), 'http://h/other')).toThrow(UsageError)
  })

  test('refuses dot segments that climb above the base path', () => {
    expect(() => resolveTarget(parseBaseUrl('http://h/team'), '/../admin')).toThrow(UsageError)
  })

  test('answers curl exit 3 for a space in the path', () => {
    expect(() => resolveTarget(base, '/a b')).toThrow(new CurlError(3))
  })
})

describe('parseBaseUrl', () => {
  test('answers curl exit 3 for a malformed base URL and 1 for another protocol', () => {
    expect(() => parseBaseUrl('http://127.0.0.1:99999')).toThrow(CurlError)
    try {
      parseBaseUrl('ftp://h')
    } catch (error) {
      expect((error as CurlError).toLine()).toBe(
        '(1) Protocol "ftp" not supported or disabled in libcurl',
      )
    }
  })
})
