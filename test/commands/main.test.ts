import { describe, expect, test } from 'vitest'

import { runMom } from '../../src/main.js'
import { testContext } from '../helpers/test-context.js'
import pkg from '../../package.json' with { type: 'json' }

describe('the command-line frame', () => {
  test('prints the version and exits 0', async () => {
    const t = testContext()

    const code = await runMom(t.ctx, ['--version'])

    expect(code).toBe(0)
    expect(t.stdout()).toBe(`${pkg.version}\n`)
  })

  test('answers an unknown flag with one mom: line and exit 2', async () => {
    const t = testContext()

    const code = await runMom(t.ctx, ['--bogus'])

    expect(code).toBe(2)
    expect(t.stderr()).toBe("mom: unknown option '--bogus'; see 'mom --help'\n")
  })

  test('answers an unknown command with exit 2', async () => {
    const t = testContext()

    const code = await runMom(t.ctx, ['frobnicate'])

    expect(code).toBe(2)
    expect(t.stderr()).toMatch(/^mom: unknown command 'frobnicate'/)
  })
})
