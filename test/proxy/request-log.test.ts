import { describe, expect, test } from 'vitest'

import { RequestLog } from '../../src/proxy/request-log.js'

describe('RequestLog', () => {
  test('writes one line per request without the query, batched into one write', async () => {
    const writes: string[] = []
    const log = new RequestLog({ write: (text: string) => writes.push(text) })

    log.record('GET', 'stub', '/v1/apis/http/stub/items?api_key=k-123', 200, 1.234)
    log.record('POST', '-', '/v1/apis', 401, 0.05)
    await new Promise((resolve) => setTimeout(resolve, 50))

    expect(writes).toEqual([
      'GET stub /v1/apis/http/stub/items 200 1.2ms\nPOST - /v1/apis 401 0.1ms\n',
    ])
  })

  test('writes at once when 32 KB are pending', () => {
    const writes: string[] = []
    const log = new RequestLog({ write: (text: string) => writes.push(text) })

    for (let i = 0; i < 2000; i++) log.record('GET', 'stub', '/v1/apis/http/stub/items', 200, 1)

    expect(writes.length).toBeGreaterThan(0)
    expect(writes.join('').split('\n').length - 1).toBeLessThan(2000)
  })

  test('flush writes pending lines at once', () => {
    const writes: string[] = []
    const log = new RequestLog({ write: (text: string) => writes.push(text) })

    log.record('GET', 'stub', '/x', 504, 30000)
    log.flush()

    expect(writes).toEqual(['GET stub /x 504 30000.0ms\n'])
  })
})
