/**
 * The check after an edit (SPEC section 2, "Refusals"): the text the edit touched is parsed again
 * and must read as the original plus exactly the two additions. Documents the edit did not touch
 * are compared by their bytes, which is cheaper than composing them and says more.
 */
import { isDeepStrictEqual } from 'node:util'

import { parseDocument } from 'yaml'

import { InternalError } from '../errors.js'
import type { AdapterEdit, HttpAdapter } from './add-adapter.js'
import { ADAPTER_API_VERSION, type AtlasFile } from './atlas-file.js'
import { composeSkeleton } from './skeleton.js'
import { lineStart } from './source.js'

/** Throws InternalError unless `after` is `before` with exactly the planned additions. */
export function verifyEdit(
  before: AtlasFile,
  after: string,
  edit: AdapterEdit,
  adapter: HttpAdapter,
): void {
  const original = before.source.text
  const { ref, document } = edit
  const refGrowth = ref.insert.length - ref.deleteCount

  // Bytes outside the two splices are the original's.
  const refEnd = ref.offset + ref.insert.length
  const documentStart = document.offset + refGrowth
  const unchanged =
    after.slice(0, ref.offset) === original.slice(0, ref.offset) &&
    after.slice(refEnd, documentStart) === original.slice(ref.offset + ref.deleteCount) &&
    after.slice(documentStart) === document.insert
  if (!unchanged) fail('bytes outside the two additions changed')

  // The Atlas document reads as before, plus the adapterRef.
  const { chunk } = before.atlas
  const newAtlasText = after.slice(chunk.start, chunk.end + refGrowth)
  const expected = expectedAtlas(before, adapter.name)
  const actual = readBackAtlas(before, newAtlasText)
  if (!isDeepStrictEqual(actual, expected) || !sameKeyOrder(actual, expected)) {
    fail('the Atlas document does not read back as the original plus the new adapterRef')
  }

  // The new document reads as the adapter, and is a document of its own.
  const appended = readBack(after.slice(documentStart), 'the new adapter document')
  if (!isDeepStrictEqual(appended, adapterDocument(adapter))) {
    fail('the new adapter document does not read back as the adapter')
  }

  // A file without a final newline: its old last document gained one; it must read the same.
  const last = before.documents.at(-1)!
  if (!before.source.hasFinalNewline && last.chunk !== chunk) {
    const was = readBack(original.slice(last.chunk.start), 'the last document')
    const now = readBack(
      after.slice(last.chunk.start + refGrowth, documentStart),
      'the last document',
    )
    if (!isDeepStrictEqual(was, now)) fail('the last document changed when it gained a line ending')
  }
}

function expectedAtlas(before: AtlasFile, name: string): unknown {
  // A fresh copy: toJS gives an anchor and its aliases one shared value, and the edit must not
  // be expected to change what an alias elsewhere reads.
  const value = unshare(before.atlas.doc.toJS({ maxAliasCount: -1 })) as Record<string, unknown>
  const spec = value.spec as Record<string, unknown>
  const item = { adapterRef: { apiVersion: ADAPTER_API_VERSION, kind: 'HTTP', name } }
  if (Array.isArray(spec.adapters)) spec.adapters.push(item)
  else if ('adapters' in spec) spec.adapters = [item]
  else value.spec = { adapters: [item], ...spec }
  return value
}

function unshare(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unshare)
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unshare(v)]))
  }
  return value
}

/** The adapter document that `add-http-adapter` writes, as plain data. */
export function adapterDocument(adapter: HttpAdapter): unknown {
  const spec: Record<string, unknown> = { baseUrl: adapter.baseUrl }
  if (adapter.headers.length > 0)
    spec.headers = adapter.headers.map((h) => ({ name: h.name, value: h.value }))
  return { apiVersion: ADAPTER_API_VERSION, kind: 'HTTP', metadata: { name: adapter.name }, spec }
}

// The Atlas document is read back as it was read at first. When the first items of a long
// spec.adapters list were left out then, their bytes (unchanged, before the insertion) are cut
// out of the new text too, and what remains is parsed and composed whole.
function readBackAtlas(before: AtlasFile, text: string): unknown {
  const old = before.atlas.skeleton
  let kept = text
  if (old.omitted > 0) {
    const cutStart = lineStart(text, old.dashes[0]!)
    const cutEnd = lineStart(text, old.dashes[old.omitted]!)
    kept = text.slice(0, cutStart) + text.slice(cutEnd)
  }
  const now = composeSkeleton(kept, Infinity)
  if (now.documentCount !== 1) fail('the Atlas document is no longer one document')
  if (now.doc.errors.length > 0) {
    fail(`the Atlas document does not parse after the edit: ${now.doc.errors[0]!.message}`)
  }
  const grew = now.dashes.length + old.omitted - old.dashes.length
  if (grew !== 0 && grew !== 1) fail('the items of spec.adapters moved')
  return now.doc.toJS({ maxAliasCount: -1 })
}

function readBack(text: string, what: string): unknown {
  const doc = parseDocument(text, { prettyErrors: false })
  if (doc.errors.length > 0)
    fail(`${what} does not parse after the edit: ${doc.errors[0]!.message}`)
  return doc.toJS({ maxAliasCount: -1 })
}

function sameKeyOrder(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.every((item, i) => sameKeyOrder(item, b[i]))
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = Object.keys(a)
    if (!isDeepStrictEqual(keys, Object.keys(b))) return false
    return keys.every((k) =>
      sameKeyOrder((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]),
    )
  }
  return true
}

function fail(reason: string): never {
  throw new InternalError(`the edit did not verify (${reason})`)
}
