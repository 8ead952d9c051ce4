/**
 * A new Atlas configuration (SPEC section 3), written by the YAML library in the style the
 * editing commands default to: two-space indent, dashes under their parent key.
 */
import { Document } from 'yaml'

/** `production` registers with Moment's gateway; `local` registers with none, for `mom atlas run`. */
export type Preset = 'production' | 'local'

/** Every preset, in the order help lists them. */
export const PRESETS: readonly Preset[] = ['production', 'local']

/** The gateway a production Atlas registers with. */
export const GATEWAY_URL = 'dns:atlas.moment.dev:443'

/** The configuration for an Atlas named `name`, with an empty `spec.adapters`. */
export function generateAtlasConfig(name: string, preset: Preset): string {
  const spec: Record<string, unknown> = { adapters: [], exposedPorts: {} }
  if (preset === 'production') {
    spec.gatewayRegistration = {
      backoff: { initialInterval: '1s', maxInterval: '1m0s', multiplier: 2 },
      gatewayUrl: GATEWAY_URL,
      registrationName: name,
    }
  }
  const config = {
    apiVersion: 'moment.dev/atlas/v1alpha1',
    kind: 'Atlas',
    metadata: { name },
    spec,
  }
  return new Document(config, { version: '1.2', compat: 'yaml-1.1' }).toString({
    indent: 2,
    indentSeq: false,
    lineWidth: 0,
    minContentWidth: 0,
  })
}
