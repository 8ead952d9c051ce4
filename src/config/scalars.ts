/**
 * New scalars, written by the YAML library: plain when a YAML 1.1 or 1.2 reader reads the plain
 * form back as the same string, quoted otherwise, and never folded (SPEC section 2).
 */
import { stringify } from 'yaml'

const OPTIONS = { compat: 'yaml-1.1', lineWidth: 0, minContentWidth: 0 } as const
// YAML 1.1 types the library's 1.1 schema does not know: `=` is the value key type
// (https://yaml.org/type/value.html), which PyYAML and other 1.1 readers refuse as a string.
const YAML_1_1_VALUE = /^=$/

/** The scalar as it appears after `key: ` on one line. */
export function formatScalar(value: string): string {
  const options = YAML_1_1_VALUE.test(value)
    ? { ...OPTIONS, defaultStringType: 'QUOTE_DOUBLE' as const }
    : OPTIONS
  const text = stringify(value, options).replace(/\n$/, '')
  if (text.includes('\n')) throw new Error('a new scalar would span lines')
  return text
}
