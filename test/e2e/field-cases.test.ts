import { readFile } from 'node:fs/promises'
import { join } from 'node:path'

import { execa } from 'execa'
import { describe, expect, test } from 'vitest'

import { copyFixture, mom, repoRoot } from '../helpers/mom.js'

// CMD0 of FIELD-CASES.md, on each fixtures/field-*/atlas.yml; expected.yml holds the result.
const CMD0 = [
  '--adapter-name',
  'heroku',
  '--base-url',
  'https://api.heroku.com',
  '-H',
  'Authorization: Bearer ${{ HEROKU_API_KEY }}',
]
const CASES = [
  'field-2-trailing-comment',
  'field-3-document-end-markers',
  'field-4-four-space-quoted',
  'field-5-flow-list',
  'field-7-bom',
  'field-8-crlf',
  'field-8-crlf-no-final-newline',
  'field-10-final-comment-no-newline',
]

describe.each(CASES)('%s', (name) => {
  test('edits the file into expected.yml byte for byte', async () => {
    const dir = await copyFixture(name)

    const result = await mom(['atlas', 'config', 'add-http-adapter', '-f', 'atlas.yml', ...CMD0], {
      cwd: dir,
    })

    expect(result).toMatchObject({ exitCode: 0, stdout: '', stderr: '' })
    expect(await readFile(join(dir, 'atlas.yml'))).toEqual(
      await readFile(join(dir, 'expected.yml')),
    )
  })

  test('gives the same bytes through -f -', async () => {
    const input = await readFile(join(repoRoot, 'fixtures', name, 'atlas.yml'))

    const result = await mom(['atlas', 'config', 'add-http-adapter', '-f', '-', ...CMD0], {
      input,
      encoding: 'buffer',
    })

    expect(result.exitCode).toBe(0)
    expect(Buffer.from(result.stdout as Uint8Array)).toEqual(
      await readFile(join(repoRoot, 'fixtures', name, 'expected.yml')),
    )
  })

  test('shows git diff changes only where SPEC allows them', async () => {
    const dir = await copyFixture(name)

    const diff = await execa(
      'git',
      ['diff', '--no-index', '--no-color', 'atlas.yml', 'expected.yml'],
      { cwd: dir, reject: false },
    )

    const removed = diff.stdout
      .split('\n')
      .filter((line) => line.startsWith('-') && !line.startsWith('--- '))
    const allowed =
      name === 'field-5-flow-list'
        ? 1
        : name.includes('no-final-newline') || name.includes('no-newline')
          ? 1
          : 0
    expect(removed).toHaveLength(allowed)
  })
})
