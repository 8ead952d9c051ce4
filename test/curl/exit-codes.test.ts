import { expect, test } from 'vitest'

import { CurlError, EXIT, EXIT_MESSAGES } from '../../src/curl/exit-codes.js'

test('uses curl exit codes, and 4 for a missing credential', () => {
  expect(EXIT).toMatchObject({
    URL_MALFORMAT: 3,
    NO_CREDENTIAL: 4,
    COULDNT_RESOLVE_HOST: 6,
    COULDNT_CONNECT: 7,
    HTTP_RETURNED_ERROR: 22,
    WRITE_ERROR: 23,
    READ_ERROR: 26,
    OPERATION_TIMEDOUT: 28,
    SSL_CONNECT_ERROR: 35,
    TOO_MANY_REDIRECTS: 47,
    GOT_NOTHING: 52,
    RECV_ERROR: 56,
    PEER_FAILED_VERIFICATION: 60,
  })
})

test('has a message for every code', () => {
  for (const code of Object.values(EXIT)) expect(EXIT_MESSAGES[code]).toBeTruthy()
})

test('words an error line as curl does, without the program name', () => {
  expect(new CurlError(3).toLine()).toBe('(3) URL using bad/illegal format or missing URL')
  expect(new CurlError(26).toLine()).toBe(
    '(26) Failed to open/read local data from file/application',
  )
  expect(new CurlError(47, 'Maximum (50) redirects followed').toLine()).toBe(
    '(47) Maximum (50) redirects followed',
  )
})
