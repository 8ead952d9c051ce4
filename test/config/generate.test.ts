import { describe, expect, test } from 'vitest'

import { addHttpAdapter } from '../../src/config/add-adapter.js'
import { loadAtlasFile } from '../../src/config/atlas-file.js'
import { generateAtlasConfig } from '../../src/config/generate.js'
import { decodeSource } from '../../src/config/source.js'

describe('generateAtlasConfig', () => {
  test('writes a production configuration that registers with the gateway', () => {
    expect(generateAtlasConfig('my-atlas', 'production'))
      .toBe(`apiVersion: moment.dev/atlas/v1alpha1
kind: Atlas
metadata:
  name: my-atlas
spec:
  adapters: []
  exposedPorts: {}
  gatewayRegistration:
    backoff:
      initialInterval: 1s
      maxInterval: 1m0s
      multiplier: 2
    gatewayUrl: dns:atlas.moment.dev:443
    registrationName: my-atlas
`)
  })

  test('writes a local configuration that registers with no gateway', () => {
    expect(generateAtlasConfig('dev', 'local')).toBe(`apiVersion: moment.dev/atlas/v1alpha1
kind: Atlas
metadata:
  name: dev
spec:
  adapters: []
  exposedPorts: {}
`)
  })

  test('quotes a name that YAML 1.1 would read as something else', () => {
    expect(generateAtlasConfig('yes', 'local')).toContain('  name: "yes"\n')
  })

  test.each(['production', 'local'] as const)(
    'round-trips the %s preset through add-http-adapter',
    (preset) => {
      const text = generateAtlasConfig('my-atlas', preset)
      const adapter = {
        name: 'heroku',
        baseUrl: 'https://api.heroku.com',
        headers: [{ name: 'Accept', value: 'application/json' }],
      }

      const { text: edited } = addHttpAdapter(decodeSource(text), 'atlas.yml', adapter)
      const again = loadAtlasFile(decodeSource(edited), 'atlas.yml')

      expect(edited).toBe(
        text.replace(
          '  adapters: []\n',
          '  adapters:\n  - adapterRef:\n      apiVersion: moment.dev/adapters/v1alpha1\n      kind: HTTP\n      name: heroku\n',
        ) +
          '---\napiVersion: moment.dev/adapters/v1alpha1\nkind: HTTP\nmetadata:\n  name: heroku\nspec:\n  baseUrl: https://api.heroku.com\n  headers:\n  - name: Accept\n    value: application/json\n',
      )
      expect(again.documents.map((d) => d.isAdapter)).toEqual([false, true])
      expect(again.atlas.doc.toJS().spec.adapters).toEqual([
        {
          adapterRef: { apiVersion: 'moment.dev/adapters/v1alpha1', kind: 'HTTP', name: 'heroku' },
        },
      ])
    },
  )
})
