/**
 * New scalars, written by the YAML library: plain when a YAML 1.1 or 1.2 reader reads the plain
 * form back as the same string, quoted otherwise, and never folded (SPEC section 2).
 */
import { stringify } from 'yaml'

const OPTIONS = { compat: 'yaml-1.1', lineWidth: 0, minContentWidth: 0 } as const

/** The scalar as it appears after `key: ` on one line. */
export function formatScalar(value: string): string {
  const text = stringify(value, OPTIONS).replace(/\n$/, '')
  if (text.includes('\n')) throw new Error('a new scalar would span lines')
  return text
}
