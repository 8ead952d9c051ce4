import {
  type Document,
  isMap,
  isScalar,
  LineCounter,
  type Node,
  parseAllDocuments,
  visit,
  type YAMLError,
} from 'yaml'
import { z } from 'zod'

import { findReferences, ReferenceSyntaxError, resolveReferences } from '../config/references.js'
import { MomError } from '../errors.js'
import { Secret } from '../secret.js'
import { HOP_BY_HOP_HEADERS } from './hop-by-hop.js'

/** The `apiVersion` that marks an adapter document (SPEC section 1). */
export const ADAPTER_API_VERSION = 'moment.dev/adapters/v1alpha1'

/** One HTTP adapter as `mom atlas run` serves it. */
export interface HttpAdapter {
  kind: 'HTTP'
  name: string
  /** `spec.baseUrl` as written in the file, references unresolved: safe to show. */
  baseUrl: string
  /** The base URL with its references resolved; used to dial, never shown. */
  url: URL
  /** The adapter's headers in file order, values resolved and wrapped. */
  headers: { name: string; value: Secret }[]
}

/** What `mom atlas run` needs from an Atlas file. */
export interface AtlasConfig {
  /** The Atlas document's `metadata.name`, when it has one. */
  name: string | undefined
  /** The HTTP adapters `spec.adapters` references, in that order. */
  adapters: HttpAdapter[]
  /** Referenced adapters of other kinds, which a local run does not serve. */
  skipped: { kind: string; name: string }[]
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/
const ROUTABLE_NAME = /^[A-Za-z0-9._~-]+$/
const FORBIDDEN_IN_VALUE = /[\r\n\0]/

const text = () =>
  z.string({ error: (issue) => (issue.input === undefined ? 'is missing' : 'must be a string') })
const mapping = <T extends z.core.$ZodLooseShape>(shape: T) =>
  z.looseObject(shape, {
    error: (issue) => (issue.input === undefined ? 'is missing' : 'must be a mapping'),
  })
const list = <T extends z.ZodType>(item: T) => z.array(item, { error: 'must be a list' })

const adapterRefItem = mapping({
  adapterRef: mapping({ apiVersion: text(), kind: text(), name: text() }),
})

const atlasDocument = mapping({
  metadata: mapping({ name: text().optional() }).optional(),
  spec: mapping({ adapters: list(adapterRefItem).nullish() }),
})

const httpAdapterDocument = mapping({
  metadata: mapping({ name: text() }),
  spec: mapping({
    baseUrl: text(),
    headers: list(
      mapping({ name: text().regex(TOKEN, 'must be an HTTP header name'), value: text() }),
    ).nullish(),
  }),
})

interface Located {
  doc: Document.Parsed
  data: Record<string, unknown>
}

/**
 * Reads a whole Atlas file (SPEC sections 1 and 4): finds the Atlas document, the adapters its
 * `spec.adapters` references and their documents, checks every `${{ }}` reference in the file,
 * and resolves the served adapters' references from `env`. Throws a MomError located at
 * `file:line:column` for a fault in the file, and one error naming every missing environment
 * variable at once. No message ever holds a resolved value.
 */
export function loadAtlasConfig(
  source: string,
  file: string,
  env: Readonly<Record<string, string | undefined>>,
): AtlasConfig {
  const lines = new LineCounter()
  const docs = parseAllDocuments(source, { lineCounter: lines, prettyErrors: false })
  const where = locator(source, file, lines)
  if (!Array.isArray(docs))
    throw new MomError('the file holds no YAML document', {
      code: 'NO_ATLAS_DOCUMENT',
      location: { file },
    })
  for (const doc of docs) {
    const error: YAMLError | undefined = doc.errors[0]
    if (error)
      throw new MomError(firstLine(error.message), {
        code: 'YAML_SYNTAX',
        location: where(error.pos[0]),
      })
  }
  const referenced = checkReferenceSyntax(docs, where)

  const documents = docs.map((doc): Located => ({
    doc,
    data: asRecord(doc.toJS({ maxAliasCount: -1 })),
  }))
  const atlas = findAtlasDocument(documents, file, where)
  const parsed = validate(atlasDocument, atlas, where)
  const refs = parsed.spec.adapters ?? []
  const adapterDocs = documents.filter((d) => d.data.apiVersion === ADAPTER_API_VERSION)

  const adapters: HttpAdapter[] = []
  const skipped: AtlasConfig['skipped'] = []
  const missing: string[] = []
  const seen = new Set<string>()
  refs.forEach(({ adapterRef: ref }, index) => {
    const at = where(nodeAt(atlas.doc, ['spec', 'adapters', index]))
    const key = `${ref.apiVersion}\n${ref.kind}\n${ref.name}`
    if (seen.has(key))
      throw new MomError(`adapter "${ref.name}" is referenced twice in spec.adapters`, {
        code: 'DUPLICATE_ADAPTER',
        location: at,
      })
    seen.add(key)
    const matches = adapterDocs.filter(
      (d) =>
        d.data.apiVersion === ref.apiVersion &&
        d.data.kind === ref.kind &&
        asRecord(d.data.metadata).name === ref.name,
    )
    if (matches.length === 0) {
      throw new MomError(
        `adapterRef names ${ref.kind} adapter "${ref.name}", but no adapter document defines it`,
        { code: 'ADAPTER_NOT_FOUND', location: at },
      )
    }
    if (matches.length > 1) {
      const second = where(nodeAt(matches[1]!.doc, []))
      throw new MomError(`${ref.kind} adapter "${ref.name}" is defined twice`, {
        code: 'DUPLICATE_ADAPTER',
        location: second,
      })
    }
    // LIMITATION: adapters of other kinds (AWS, Moment) are skipped with a warning, so their
    // routes answer 404 locally; serving them needs each kind's signing or protocol.
    if (ref.kind !== 'HTTP') skipped.push({ kind: ref.kind, name: ref.name })
    else adapters.push(buildHttpAdapter(matches[0]!, env, where, missing))
  })

  // SPEC section 4 checks every variable the file references, served adapter or not, so that a
  // file that starts here also starts where Atlas serves all of it.
  for (const name of referenced) {
    if (valueOf(env, name) === undefined && !missing.includes(name)) missing.push(name)
  }
  if (missing.length > 0) {
    const noun = missing.length === 1 ? 'variable' : 'variables'
    throw new MomError(`missing environment ${noun} ${missing.join(', ')}`, {
      code: 'MISSING_ENV',
      hint: `set ${missing.length === 1 ? 'it' : 'them'} before starting; the file references ${missing.length === 1 ? 'it' : 'them'} as \${{ NAME }}`,
      location: { file },
    })
  }
  return { name: parsed.metadata?.name, adapters, skipped }
}

type Where = (at: number | Node | undefined) => { file: string; line?: number; column?: number }

/** Turns an offset or a node into a location; line and column count from 1 and skip a BOM. */
function locator(source: string, file: string, lines: LineCounter): Where {
  const bom = source.charCodeAt(0) === 0xfeff ? 1 : 0
  return (at) => {
    const offset = typeof at === 'number' ? at : at?.range?.[0]
    if (offset === undefined) return { file }
    const { line, col } = lines.linePos(offset)
    return { file, line, column: line === 1 ? Math.max(1, col - bom) : col }
  }
}

/**
 * Every string in the file that holds `${{` must hold only well-formed references. Answers the
 * names referenced anywhere, each once, in file order.
 */
function checkReferenceSyntax(docs: Document.Parsed[], where: Where): string[] {
  const names = new Set<string>()
  for (const doc of docs) {
    visit(doc, {
      Scalar(_key, node) {
        if (typeof node.value !== 'string' || !node.value.includes('${{')) return
        try {
          for (const ref of findReferences(node.value)) names.add(ref.name)
        } catch (error) {
          if (!(error instanceof ReferenceSyntaxError)) throw error
          throw new MomError(error.reason, { code: 'BAD_REFERENCE', location: where(node) })
        }
      },
    })
  }
  return [...names]
}

function valueOf(
  env: Readonly<Record<string, string | undefined>>,
  name: string,
): string | undefined {
  return Object.hasOwn(env, name) ? env[name] : undefined
}

function findAtlasDocument(documents: Located[], file: string, where: Where): Located {
  const candidates = documents.filter(
    (d) => d.data.apiVersion !== ADAPTER_API_VERSION && isMap(d.doc.get('spec', true)),
  )
  if (candidates.length === 1) return candidates[0]!
  if (candidates.length === 0) {
    const adapters =
      documents.length - documents.filter((d) => d.data.apiVersion !== ADAPTER_API_VERSION).length
    const others = documents.length - adapters
    throw new MomError(
      `no Atlas document found (${documents.length} documents: ${adapters} adapter, ${others} without a spec mapping)`,
      {
        code: 'NO_ATLAS_DOCUMENT',
        hint: 'the Atlas document is the one document that is not an adapter and has a spec mapping',
        location: { file },
      },
    )
  }
  const lines = candidates.map((d) => where(nodeAt(d.doc, [])).line).join(', ')
  throw new MomError(`several Atlas documents found, starting on lines ${lines}`, {
    code: 'SEVERAL_ATLAS_DOCUMENTS',
    hint: 'keep one document that is not an adapter and has a spec mapping',
    location: where(nodeAt(candidates[1]!.doc, [])),
  })
}

function buildHttpAdapter(
  located: Located,
  env: Readonly<Record<string, string | undefined>>,
  where: Where,
  missing: string[],
): HttpAdapter {
  const parsed = validate(httpAdapterDocument, located, where)
  const name = parsed.metadata.name
  const { doc } = located
  if (!ROUTABLE_NAME.test(name)) {
    throw new MomError(`adapter name "${name}" cannot be a URL path segment`, {
      code: 'BAD_ADAPTER_NAME',
      hint: 'use letters, digits, ".", "_", "~" and "-"',
      location: where(nodeAt(doc, ['metadata', 'name'])),
    })
  }

  const names = new Set<string>()
  const headers = (parsed.spec.headers ?? []).map((header, index) => {
    const at = where(nodeAt(doc, ['spec', 'headers', index, 'name']))
    const lower = header.name.toLowerCase()
    if (HOP_BY_HOP_HEADERS.has(lower) || lower === 'content-length') {
      throw new MomError(
        `adapter "${name}": header ${header.name} describes one connection and cannot be set by an adapter`,
        {
          code: 'BAD_HEADER',
          location: at,
        },
      )
    }
    if (names.has(lower))
      throw new MomError(`adapter "${name}": header ${header.name} is set twice`, {
        code: 'DUPLICATE_HEADER',
        location: at,
      })
    names.add(lower)
    const resolved = resolve(header.value, env, missing)
    if (FORBIDDEN_IN_VALUE.test(resolved)) {
      throw new MomError(
        `adapter "${name}": header ${header.name} resolves to a value holding CR, LF or NUL`,
        { code: 'BAD_HEADER_VALUE', location: at },
      )
    }
    return { name: header.name, value: new Secret(resolved) }
  })

  const baseUrl = parsed.spec.baseUrl
  const before = missing.length
  const resolvedUrl = resolve(baseUrl, env, missing)
  // With a variable missing the URL is incomplete; the missing names are reported instead.
  const url =
    missing.length > before
      ? new URL('http://unresolved.invalid')
      : parseBaseUrl(name, baseUrl, resolvedUrl, where(nodeAt(doc, ['spec', 'baseUrl'])))
  return { kind: 'HTTP', name, baseUrl, url, headers }
}

function resolve(
  value: string,
  env: Readonly<Record<string, string | undefined>>,
  missing: string[],
): string {
  const result = resolveReferences(value, env)
  for (const name of result.missing) if (!missing.includes(name)) missing.push(name)
  return result.value
}

function parseBaseUrl(
  adapter: string,
  written: string,
  resolved: string,
  at: ReturnType<Where>,
): URL {
  // A base URL that came from the environment is never echoed: it may hold a secret.
  const shown = written === resolved ? ` "${written}"` : ''
  const fail = (why: string) =>
    new MomError(`adapter "${adapter}": base URL${shown} ${why}`, {
      code: 'BAD_BASE_URL',
      location: at,
    })
  let url: URL
  try {
    url = new URL(resolved)
  } catch {
    throw fail('is not an absolute URL')
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw fail('must use http or https')
  if (url.username || url.password) throw fail('must not hold credentials; put them in a header')
  if (url.search || url.hash || resolved.includes('?') || resolved.includes('#'))
    throw fail('must not have a query or fragment')
  return url
}

/** Validates a document's data with a schema; a fault is located at the node it concerns. */
function validate<T>(schema: z.ZodType<T>, located: Located, where: Where): T {
  const result = schema.safeParse(located.data)
  if (result.success) return result.data
  const issue = result.error.issues[0]!
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol')
  let node: Node | undefined
  for (let depth = path.length; depth >= 0 && node === undefined; depth--)
    node = nodeAt(located.doc, path.slice(0, depth))
  throw new MomError(`${formatPath(path)} ${issue.message}`, {
    code: 'BAD_CONFIG',
    location: where(node),
  })
}

function formatPath(path: (string | number)[]): string {
  if (path.length === 0) return 'the document'
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('')
}

function nodeAt(doc: Document.Parsed, path: (string | number)[]): Node | undefined {
  if (path.length === 0) return doc.contents ?? undefined
  const node = doc.getIn(path, true)
  return isScalar(node) || isMap(node) || (node && typeof node === 'object' && 'range' in node)
    ? (node as Node)
    : undefined
}

function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {}
}

function firstLine(message: string): string {
  const line = message.split('\n')[0]!.trim()
  return line.charAt(0).toLowerCase() + line.slice(1)
}
