import { describe, expect, test } from 'vitest'

import { connectionOptions, dropHopByHopHeaders } from '../../src/proxy/hop-by-hop.js'

describe('dropHopByHopHeaders', () => {
  test('drops the fixed hop-by-hop list in any case', () => {
    const headers = [
      'Connection',
      'keep-alive',
      'Keep-Alive',
      'timeout=5',
      'TE',
      'trailers',
      'Trailer',
      'Expires',
      'Transfer-Encoding',
      'chunked',
      'Upgrade',
      'websocket',
      'Proxy-Connection',
      'keep-alive',
      'Proxy-Authorization',
      'Basic eDp5',
      'Proxy-Authenticate',
      'Basic',
      'X-Request-Id',
      'abc123',
    ]

    expect(dropHopByHopHeaders(headers)).toEqual(['X-Request-Id', 'abc123'])
  })

  test('drops the headers Connection names, across several Connection lines', () => {
    const headers = [
      'connection',
      'keep-alive, X-Trace-Hop',
      'X-Trace-Hop',
      '1',
      'CONNECTION',
      'x-other',
      'X-Other',
      '2',
      'ETag',
      '"v1"',
    ]

    expect(dropHopByHopHeaders(headers)).toEqual(['ETag', '"v1"'])
  })

  test('keeps repeated end-to-end headers repeated and in order', () => {
    const headers = [
      'Set-Cookie',
      'a=1',
      'Connection',
      'close',
      'Set-Cookie',
      'b=2; Expires=Wed, 21 Oct 2026 07:28:00 GMT',
    ]

    expect(dropHopByHopHeaders(headers)).toEqual([
      'Set-Cookie',
      'a=1',
      'Set-Cookie',
      'b=2; Expires=Wed, 21 Oct 2026 07:28:00 GMT',
    ])
  })
})

describe('connectionOptions', () => {
  test('answers nothing for keep-alive and close', () => {
    expect(connectionOptions('keep-alive')).toBeUndefined()
    expect(connectionOptions('close')).toBeUndefined()
    expect(connectionOptions(undefined)).toBeUndefined()
  })

  test('lists other names lowercase, ignoring blanks', () => {
    expect(connectionOptions(' Keep-Alive , X-A,,x-b ')).toEqual(new Set(['x-a', 'x-b']))
  })
})
