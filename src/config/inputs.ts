/**
 * The edit's inputs, checked before the file is touched (SPEC section 2, "Arguments"): the adapter
 * name, the base URL and the `-H` header lines, and the guard against plaintext secrets. Messages
 * name a header, never its value, since a refused value may be a credential.
 */
import * as z from 'zod/mini'

import { findReferences, ReferenceSyntaxError } from './references.js'

/** A value the user gave that mom refuses; `message` is safe to print. */
export class InputError extends Error {
  constructor(
    message: string,
    readonly code: 'INVALID_INPUT' | 'PLAINTEXT_SECRET' = 'INVALID_INPUT',
    readonly hint?: string,
  ) {
    super(message)
    this.name = 'InputError'
  }
}

/** Lowercase letters, digits and `-`, starting and ending with a letter or digit, 1 to 63 long. */
export const adapterNameSchema = z
  .string()
  .check(
    z.minLength(1, 'is empty'),
    z.maxLength(63, 'is longer than 63 characters'),
    z.regex(/^[a-z0-9-]*$/, 'may hold only lowercase letters, digits and "-"'),
    z.regex(/^[a-z0-9](?:.*[a-z0-9])?$/, 'must start and end with a lowercase letter or digit'),
  )

/** An absolute http or https URL without query, fragment or credentials. */
export const baseUrlSchema = z.string().check(
  z.refine(
    (text) => !/[\s\x00-\x1f\x7f]/.test(text),
    'must not hold white space or control characters',
  ),
  z.refine((text) => URL.canParse(text), 'is not an absolute URL'),
  z.refine((text) => /^https?:$/.test(protocolOf(text)), 'must use http or https'),
  z.refine((text) => !/^[a-z]+:\/\/[^/?#]*@/i.test(text), 'must not hold credentials'),
  z.refine((text) => /^https?:\/\/[^/?#]+/i.test(text), 'must name a host'),
  z.refine((text) => !text.includes('?'), 'must not have a query'),
  z.refine((text) => !text.includes('#'), 'must not have a fragment'),
  // URL parsers disagree on these, and a proxy joining paths under the base must not.
  z.refine((text) => !text.includes('\\'), 'must not hold a backslash'),
  z.refine(
    (text) => !/\/(?:\.|%2e){1,2}(?:\/|$)/i.test(text.replace(/^[a-z]+:\/\//i, '/')),
    'must not hold "." or ".." path segments',
  ),
)

// RFC 9110 section 5.6.2: token = 1*tchar.
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/

/** One `-H 'Name: value'` line: a token, a colon, and a value without CR, LF or NUL. */
export const headerLineSchema = z.string().check(
  z.refine((text) => !/[\r\n\0]/.test(text), 'holds a CR, LF or NUL character'),
  z.refine((text) => text.includes(':'), "is not 'Name: value'"),
  z.refine(
    (text) => TOKEN.test(text.slice(0, text.indexOf(':')).trim()),
    'has a name that is not an HTTP token',
  ),
)

/** A header as it goes into the adapter document. */
export interface HeaderInput {
  name: string
  value: string
}

/** Returns the name if it follows the adapter-name rules; throws InputError otherwise. */
export function parseAdapterName(name: string): string {
  const result = adapterNameSchema.safeParse(name)
  if (!result.success)
    throw new InputError(`invalid --adapter-name "${name}": ${firstMessage(result.error)}`)
  return name
}

/** Returns the URL as given if it is a valid base URL; throws InputError otherwise. */
export function parseBaseUrl(url: string): string {
  const result = baseUrlSchema.safeParse(url)
  if (result.success) return url
  const reason = firstMessage(result.error)
  // A URL with credentials or a query may carry a secret: do not repeat it.
  const shown = /credentials|query|control/.test(reason) ? '' : ` "${url}"`
  throw new InputError(`invalid --base-url${shown}: ${reason}`)
}

/**
 * Parses the `-H` lines in order: the value is what follows the first colon, trimmed, with one
 * pair of matching surrounding quotes removed. Refuses a name given twice (case-insensitively)
 * and a malformed `${{ }}` reference.
 */
export function parseHeaders(lines: readonly string[]): HeaderInput[] {
  const headers: HeaderInput[] = []
  lines.forEach((line, index) => {
    const colon = line.indexOf(':')
    const name = colon === -1 ? '' : line.slice(0, colon).trim()
    const result = headerLineSchema.safeParse(line)
    if (!result.success) {
      const which = TOKEN.test(name) ? `header ${name}` : `-H number ${index + 1}`
      throw new InputError(`invalid ${which}: ${firstMessage(result.error)}`)
    }
    const value = unquote(line.slice(colon + 1).trim())
    if (headers.some((h) => h.name.toLowerCase() === name.toLowerCase())) {
      throw new InputError(`header ${name} is given twice (header names are case-insensitive)`)
    }
    try {
      findReferences(value)
    } catch (error) {
      if (!(error instanceof ReferenceSyntaxError)) throw error
      throw new InputError(`invalid header ${name}: ${error.reason}`)
    }
    headers.push({ name, value })
  })
  return headers
}

const CREDENTIAL_NAMES = new Set(['authorization', 'proxy-authorization', 'cookie'])
const CREDENTIAL_WORDS = /token|secret|key|password|auth/i

/** Whether a header carries credentials (SPEC section 2, "Secrets"). */
export function isCredentialHeader(name: string): boolean {
  return CREDENTIAL_NAMES.has(name.toLowerCase()) || CREDENTIAL_WORDS.test(name)
}

/**
 * Refuses a credential-bearing header whose value holds no `${{ }}` reference: config files live
 * in git. An empty value holds no secret and passes.
 */
export function guardPlaintextSecrets(headers: readonly HeaderInput[]): void {
  for (const { name, value } of headers) {
    if (!isCredentialHeader(name) || value === '' || findReferences(value).length > 0) continue
    const example = /authorization$/i.test(name) ? 'Bearer ${{ ENV_NAME }}' : '${{ ENV_NAME }}'
    throw new InputError(
      `header ${name} holds a plaintext secret`,
      'PLAINTEXT_SECRET',
      `write it as -H '${name}: ${example}' and set ENV_NAME where Atlas runs, or pass --allow-plaintext-secret`,
    )
  }
}

function unquote(value: string): string {
  const first = value[0]
  if (value.length >= 2 && (first === '"' || first === "'") && value.endsWith(first))
    return value.slice(1, -1)
  return value
}

function protocolOf(text: string): string {
  try {
    return new URL(text).protocol
  } catch {
    return ''
  }
}

function firstMessage(error: { issues: readonly { message: string }[] }): string {
  return error.issues[0]?.message ?? 'is not valid'
}
