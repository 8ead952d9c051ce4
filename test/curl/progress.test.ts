import { expect, test } from 'vitest'

import { clock, max5, ProgressMeter } from '../../src/curl/progress.js'

test('writes sizes in five characters as curl does', () => {
  expect([0, 99999, 100000, 10239999, 10485760, 104857600, 10737418240].map(max5)).toEqual([
    '    0',
    '99999',
    '  97k',
    '9999k',
    '10.0M',
    ' 100M',
    '10.0G',
  ])
})

test('writes times as curl does', () => {
  expect([0, 1, 61, 3600 * 12 + 5].map(clock)).toEqual([
    '--:--:--',
    ' 0:00:01',
    ' 0:01:01',
    '12:00:05',
  ])
})

test('draws the header, a first line and a closing line per request', () => {
  let out = ''
  let now = 0
  const meter = new ProgressMeter(
    (text) => (out += text),
    () => now,
  )

  meter.start()
  meter.update({ downloadTotal: 66, downloaded: 66 })
  now = 500
  meter.endLine()
  meter.stop()

  expect(out).toBe(
    '  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current\n' +
      '                                 Dload  Upload   Total   Spent    Left  Speed\n' +
      '\r  0     0    0     0    0     0      0      0 --:--:-- --:--:-- --:--:--     0' +
      '\r100    66  100    66    0     0    132      0 --:--:-- --:--:-- --:--:--   132\n',
  )
})
