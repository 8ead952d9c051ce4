import { describe, expect, test } from 'vitest'

import type { Command } from 'commander'

import { buildProgram, runMom } from '../../src/main.js'
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

  test('gives every command, group or not, help with examples', async () => {
    const paths: string[][] = []
    const walk = (command: Command, path: string[]) => {
      paths.push(path)
      for (const sub of command.commands) walk(sub, [...path, sub.name()])
    }
    walk(buildProgram(testContext().ctx), [])

    for (const path of paths) {
      const t = testContext()
      const code = await runMom(t.ctx, [...path, '--help'])
      expect(code, path.join(' ')).toBe(0)
      expect(t.stdout(), path.join(' ')).toMatch(/\nExamples:\n {2}# .+\n {2}\$ mom /)
    }
    expect(paths.length).toBeGreaterThan(8)
  })

  test('ends a command-line error with one hint, without doubled punctuation', async () => {
    const t = testContext()

    const code = await runMom(t.ctx, ['auth', 'status', 'extra'])

    expect(code).toBe(2)
    expect(t.stderr()).toBe(
      "mom: too many arguments for 'status'. Expected 0 arguments but got 1; see 'mom auth status --help'\n",
    )
  })
})
