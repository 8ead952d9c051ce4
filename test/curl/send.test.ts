import { describe, expect, test } from 'vitest'

import { translateError } from '../../src/curl/send.js'

const url = new URL('https://atlas.example.com/v1/apis')
const failure = (code: string, message = 'boom') => Object.assign(new Error(message), { code })

describe('translateError', () => {
  test.each([
    [
      'ECONNREFUSED',
      7,
      "Failed to connect to atlas.example.com port 443 after 12 ms: Couldn't connect to server",
    ],
    ['ENOTFOUND', 6, 'Could not resolve host: atlas.example.com'],
    ['EAI_AGAIN', 6, 'Could not resolve host: atlas.example.com'],
    ['UND_ERR_CONNECT_TIMEOUT', 28, 'Connection timed out after 12 milliseconds'],
    [
      'ERR_TLS_CERT_ALTNAME_INVALID',
      60,
      "SSL: no alternative certificate subject name matches target host name 'atlas.example.com'",
    ],
    ['UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 60, 'SSL certificate problem: boom'],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 60, 'SSL certificate problem: boom'],
    ['ERR_SSL_WRONG_VERSION_NUMBER', 35, 'SSL connect error: boom'],
    ['HPE_INVALID_CONSTANT', 8, 'Weird server reply'],
    ['UND_ERR_SOCKET', 52, 'Empty reply from server'],
  ])('maps %s to curl exit %i', (code, exit, message) => {
    const error = translateError(failure(code), url, 12, false, undefined, 0)

    expect([error.exitCode, error.message]).toEqual([exit, message])
  })

  test('reports a body cut short as a partial transfer', () => {
    expect(translateError(failure('UND_ERR_SOCKET'), url, 5, true, 100, 40).toLine()).toBe(
      '(18) transfer closed with 60 bytes remaining to read',
    )
    expect(translateError(failure('UND_ERR_SOCKET'), url, 5, true, undefined, 40).toLine()).toBe(
      '(18) transfer closed with outstanding read data remaining',
    )
  })

  test('reports another receive failure as exit 56', () => {
    expect(
      translateError(failure('ECONNRESET', 'read ECONNRESET'), url, 5, true, undefined, 0).toLine(),
    ).toBe('(56) Recv failure: read ECONNRESET')
  })
})
