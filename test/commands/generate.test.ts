import { describe, expect, test } from 'vitest'

import { runMom } from '../../src/main.js'
import { testContext } from '../helpers/test-context.js'

async function generate(args: string[]) {
  const t = testContext()
  const code = await runMom(t.ctx, ['atlas', 'config', 'generate', ...args])
  return { code, stdout: t.stdout(), stderr: t.stderr() }
}

describe('mom atlas config generate', () => {
  test('prints the local preset to standard output', async () => {
    const result = await generate(['--name', 'dev', '--preset', 'local'])

    expect(result).toEqual({
      code: 0,
      stdout:
        'apiVersion: moment.dev/atlas/v1alpha1\nkind: Atlas\nmetadata:\n  name: dev\nspec:\n  adapters: []\n  exposedPorts: {}\n',
      stderr: '',
    })
  })

  test('refuses a name that breaks the adapter-name rules with exit 1', async () => {
    const result = await generate(['--name', 'My_Atlas', '--preset', 'local'])

    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: 'mom: invalid --name "My_Atlas": may hold only lowercase letters, digits and "-"\n',
    })
  })

  test('refuses an unknown preset with exit 1', async () => {
    const result = await generate(['--name', 'dev', '--preset', 'staging'])

    expect(result).toMatchObject({
      code: 1,
      stderr: 'mom: invalid --preset "staging": expected production or local\n',
    })
  })

  test('answers a missing --preset with exit 2', async () => {
    const result = await generate(['--name', 'dev'])

    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/^mom: required option '--preset <preset>' not specified/)
  })

  test('shows examples in its help', async () => {
    const result = await generate(['--help'])

    expect(result.stdout).toContain(
      '$ mom atlas config generate --name my-atlas --preset production > atlas.yml',
    )
  })
})
