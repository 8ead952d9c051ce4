import { readFileSync } from 'node:fs'
import { join } from 'node:path'

import { describe, expect, test } from 'vitest'

import { applySplices, planAdapterInsert } from '../../src/config/add-adapter.js'
import { loadAtlasFile } from '../../src/config/atlas-file.js'
import { decodeSource } from '../../src/config/source.js'
import { verifyEdit } from '../../src/config/verify.js'
import { repoRoot } from '../helpers/mom.js'

const seed = decodeSource(readFileSync(join(repoRoot, 'fixtures', 'seed-heroku', 'atlas.yml')))
const adapter = { name: 'heroku', baseUrl: 'https://api.heroku.com', headers: [] }

function planned() {
  const before = loadAtlasFile(seed, 'atlas.yml')
  const edit = planAdapterInsert(before, adapter)
  return { before, edit, after: applySplices(seed.text, [edit.ref, edit.document]) }
}

describe('the check after an edit', () => {
  test('accepts the planned edit', () => {
    const { before, edit, after } = planned()

    expect(() => verifyEdit(before, after, edit, adapter)).not.toThrow()
  })

  test('refuses a byte changed outside the additions, saying nothing was written', () => {
    const { before, edit, after } = planned()
    const tampered = after.replace('listenAddress: 0.0.0.0:8443', 'listenAddress: 0.0.0.0:8444')

    expect(() => verifyEdit(before, tampered, edit, adapter)).toThrow(
      'internal error: the edit did not verify (bytes outside the two additions changed)',
    )
  })

  test('refuses an adapterRef that does not read back as the adapter', () => {
    const { before, edit } = planned()
    const wrong = { ...edit.ref, insert: edit.ref.insert.replace('name: heroku', 'name: other') }
    const after = applySplices(seed.text, [wrong, edit.document])

    expect(() => verifyEdit(before, after, { ...edit, ref: wrong }, adapter)).toThrow(
      /the Atlas document does not read back as the original plus the new adapterRef/,
    )
  })

  test('refuses an adapterRef indented so that it joins the item before it', () => {
    const { before, edit } = planned()
    const wrong = { ...edit.ref, insert: edit.ref.insert.replace(/^ {2}- /, '      - ') }
    const after = applySplices(seed.text, [wrong, edit.document])

    expect(() => verifyEdit(before, after, { ...edit, ref: wrong }, adapter)).toThrow(
      /internal error/,
    )
  })

  test('refuses a new document that does not read back as the adapter', () => {
    const { before, edit } = planned()
    const wrong = {
      ...edit.document,
      insert: edit.document.insert.replace('https://api.heroku.com', 'yes'),
    }
    const after = applySplices(seed.text, [edit.ref, wrong])

    expect(() => verifyEdit(before, after, { ...edit, document: wrong }, adapter)).toThrow(
      /the new adapter document does not read back as the adapter/,
    )
  })
})
