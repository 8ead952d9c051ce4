import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

import { describe, expect, test } from 'vitest'

import {
  addHttpAdapterCommand,
  type AddHttpAdapterOptions,
} from '../../src/commands/atlas/config/add-http-adapter.js'
import { runMom } from '../../src/main.js'
import { copyFixture, repoRoot, tempDir } from '../helpers/mom.js'
import { testContext } from '../helpers/test-context.js'

const SEED_ARGS = [
  '--adapter-name',
  'heroku',
  '--base-url',
  'https://api.heroku.com',
  '-H',
  'Authorization: Bearer ${{ HEROKU_API_KEY }}',
  '-H',
  'Accept: application/vnd.heroku+json; version=3',
]

const EXPECTED = join(repoRoot, 'fixtures', 'seed-heroku', 'expected.yml')

async function runIn(dir: string, args: string[], stdin?: string | Buffer) {
  const t = testContext({ cwd: dir, ...(stdin !== undefined && { stdin }) })
  const code = await runMom(t.ctx, ['atlas', 'config', 'add-http-adapter', ...args])
  return { code, stdout: t.stdout(), stderr: t.stderr(), stdoutBytes: t.stdoutBytes() }
}

describe('parsing', () => {
  test('collects repeated -H in order and defaults the switches to false', async () => {
    let seen: AddHttpAdapterOptions | undefined
    const t = testContext()
    const command = addHttpAdapterCommand(t.ctx, async (opts) => {
      seen = opts
    })

    await command.parseAsync(
      [
        '-f',
        'a.yml',
        '--adapter-name',
        'x',
        '--base-url',
        'https://x.dev',
        '-H',
        'A: 1',
        '--header',
        'B: 2',
      ],
      {
        from: 'user',
      },
    )

    expect(seen).toEqual({
      file: 'a.yml',
      adapterName: 'x',
      baseUrl: 'https://x.dev',
      header: ['A: 1', 'B: 2'],
      dryRun: false,
      allowPlaintextSecret: false,
    })
  })

  test.each([
    ['-f', "mom: error: required option '-f, --file <path>' not specified"],
    ['--adapter-name', "mom: error: required option '--adapter-name <name>' not specified"],
    ['--base-url', "mom: error: required option '--base-url <url>' not specified"],
  ])('answers a missing %s with exit 2 and one line', async (flag) => {
    const dir = await copyFixture('seed-heroku')
    const args = [
      '-f',
      'atlas.yml',
      '--adapter-name',
      'heroku',
      '--base-url',
      'https://api.heroku.com',
    ]
    const at = args.indexOf(flag)
    args.splice(at, 2)

    const result = await runIn(dir, args)

    expect(result.code).toBe(2)
    expect(result.stderr.split('\n')).toHaveLength(2)
    expect(result.stderr).toMatch(
      /^mom: required option '.*' not specified; see 'mom atlas config add-http-adapter --help'\n$/,
    )
  })

  test('shows examples in its help', async () => {
    const t = testContext()

    const code = await runMom(t.ctx, ['atlas', 'config', 'add-http-adapter', '--help'])

    expect(code).toBe(0)
    expect(t.stdout()).toContain('Examples:\n  # add Heroku')
    expect(t.stdout()).toContain(
      '$ mom atlas config add-http-adapter -f atlas.yml --adapter-name heroku',
    )
  })
})

describe('behaviour', () => {
  test('edits the seed file into expected.yml byte for byte', async () => {
    const dir = await copyFixture('seed-heroku')

    const result = await runIn(dir, ['-f', 'atlas.yml', ...SEED_ARGS])

    expect(result).toMatchObject({ code: 0, stdout: '', stderr: '' })
    expect(await readFile(join(dir, 'atlas.yml'))).toEqual(await readFile(EXPECTED))
  })

  test('reads standard input and writes standard output with -f -', async () => {
    const dir = await tempDir()
    const seed = await readFile(join(repoRoot, 'fixtures', 'seed-heroku', 'atlas.yml'))

    const result = await runIn(dir, ['-f', '-', ...SEED_ARGS], seed)

    expect(result.code).toBe(0)
    expect(result.stdoutBytes).toEqual(await readFile(EXPECTED))
  })

  test('prints the unified diff with --dry-run and writes nothing', async () => {
    const dir = await copyFixture('seed-heroku')
    const before = await readFile(join(dir, 'atlas.yml'))

    const result = await runIn(dir, [
      '-f',
      'atlas.yml',
      '--dry-run',
      '--adapter-name',
      'status',
      '--base-url',
      'https://status.example.com',
    ])

    expect(result.code).toBe(0)
    expect(result.stdout).toBe(`--- a/atlas.yml
+++ b/atlas.yml
@@ -16,6 +16,10 @@
       apiVersion: moment.dev/adapters/v1alpha1
       kind: HTTP
       name: github-2
+  - adapterRef:
+      apiVersion: moment.dev/adapters/v1alpha1
+      kind: HTTP
+      name: status
   exposedPorts: {}
   gatewayRegistration:
     backoff:
@@ -64,3 +68,10 @@
   headers:
   - name: Authorization
     value: token \${{ GITHUB_TOKEN }}
+---
+apiVersion: moment.dev/adapters/v1alpha1
+kind: HTTP
+metadata:
+  name: status
+spec:
+  baseUrl: https://status.example.com
`)
    expect(await readFile(join(dir, 'atlas.yml'))).toEqual(before)
  })

  test('accepts a plaintext secret with --allow-plaintext-secret', async () => {
    const dir = await copyFixture('seed-heroku')

    const result = await runIn(dir, [
      '-f',
      'atlas.yml',
      '--adapter-name',
      'x',
      '--base-url',
      'https://x.dev',
      '-H',
      'X-Api-Key: k-1',
      '--allow-plaintext-secret',
    ])

    expect(result.code).toBe(0)
    expect(await readFile(join(dir, 'atlas.yml'), 'utf8')).toMatch(
      / {2}- name: X-Api-Key\n {4}value: k-1\n$/,
    )
  })
})

describe('refusals leave the file byte-identical', () => {
  const BASE = ['--adapter-name', 'heroku', '--base-url', 'https://api.heroku.com']

  test.each([
    [
      'a plaintext Authorization value',
      [...BASE, '-H', 'Authorization: Bearer abc123'],
      "mom: atlas.yml: header Authorization holds a plaintext secret; write it as -H 'Authorization: Bearer ${{ ENV_NAME }}' and set ENV_NAME where Atlas runs, or pass --allow-plaintext-secret",
    ],
    [
      'a plaintext key in a custom header',
      [...BASE, '-H', 'X-Api-Key: abc123'],
      "mom: atlas.yml: header X-Api-Key holds a plaintext secret; write it as -H 'X-Api-Key: ${{ ENV_NAME }}' and set ENV_NAME where Atlas runs, or pass --allow-plaintext-secret",
    ],
    [
      'a malformed reference',
      [...BASE, '-H', 'Authorization: Bearer ${{ abc123-x }}'],
      'mom: atlas.yml: invalid header Authorization: malformed "${{ }}" reference; expected "${{ NAME }}" with NAME made of letters, digits and "_", not starting with a digit',
    ],
    [
      'an uppercase name',
      ['--adapter-name', 'Heroku', '--base-url', 'https://api.heroku.com'],
      'mom: atlas.yml: invalid --adapter-name "Heroku": may hold only lowercase letters, digits and "-"',
    ],
    [
      'a name already referenced',
      ['--adapter-name', 'github', '--base-url', 'https://api.github.com'],
      'mom: atlas.yml:14:13: an adapter named "github" is already referenced in spec.adapters; choose another --adapter-name',
    ],
    [
      'the name of a referenced AWS adapter',
      ['--adapter-name', 'aws', '--base-url', 'https://aws.example.com'],
      'mom: atlas.yml:10:13: an adapter named "aws" is already referenced in spec.adapters; choose another --adapter-name',
    ],
    [
      'an ftp URL',
      ['--adapter-name', 'x', '--base-url', 'ftp://example.com'],
      'mom: atlas.yml: invalid --base-url "ftp://example.com": must use http or https',
    ],
    [
      'a URL with credentials',
      ['--adapter-name', 'x', '--base-url', 'https://u:abc123@example.com'],
      'mom: atlas.yml: invalid --base-url: must not hold credentials',
    ],
    [
      'a header with CR LF',
      [...BASE, '-H', 'X-Evil: abc123\r\nHost: x'],
      'mom: atlas.yml: invalid header X-Evil: holds a CR, LF or NUL character',
    ],
    [
      'a header without a colon',
      [...BASE, '-H', 'abc123'],
      "mom: atlas.yml: invalid -H number 1: is not 'Name: value'",
    ],
    [
      'the same header twice',
      [...BASE, '-H', 'Accept: a', '-H', 'ACCEPT: b'],
      'mom: atlas.yml: header ACCEPT is given twice (header names are case-insensitive)',
    ],
  ])('refuses %s with exit 1 and one line', async (_what, args, line) => {
    const dir = await copyFixture('seed-heroku')
    const before = await readFile(join(dir, 'atlas.yml'))

    const result = await runIn(dir, ['-f', 'atlas.yml', ...args])

    expect(result.code).toBe(1)
    expect(result.stderr).toBe(line + '\n')
    expect(result.stderr).not.toContain('abc123')
    expect(result.stdout).toBe('')
    expect(await readFile(join(dir, 'atlas.yml'))).toEqual(before)
  })

  test('refuses a missing file', async () => {
    const dir = await tempDir()

    const result = await runIn(dir, ['-f', 'missing.yml', ...BASE])

    expect(result.code).toBe(1)
    expect(result.stderr).toBe('mom: missing.yml: no such file\n')
  })

  test('refuses a directory given as the file', async () => {
    const dir = await tempDir()
    await mkdir(join(dir, 'atlas.yml'))

    const result = await runIn(dir, ['-f', 'atlas.yml', ...BASE])

    expect(result.code).toBe(1)
    expect(result.stderr).toBe('mom: atlas.yml: is a directory, not a file\n')
  })

  test('refuses YAML that does not parse, with line and column', async () => {
    const dir = await tempDir()
    const text = 'apiVersion: moment.dev/atlas/v1alpha1\nkind: Atlas\nspec:\n  adapters: [\n'
    await writeFile(join(dir, 'atlas.yml'), text)

    const result = await runIn(dir, ['-f', 'atlas.yml', ...BASE])

    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/^mom: atlas\.yml:\d+:\d+: YAML does not parse: [^\n]+\n$/)
    expect(await readFile(join(dir, 'atlas.yml'), 'utf8')).toBe(text)
  })

  test('refuses spec.adapters that is not a list', async () => {
    const dir = await tempDir()
    const text = 'apiVersion: moment.dev/atlas/v1alpha1\nkind: Atlas\nspec:\n  adapters: {}\n'
    await writeFile(join(dir, 'atlas.yml'), text)

    const result = await runIn(dir, ['-f', 'atlas.yml', ...BASE])

    expect(result).toMatchObject({
      code: 1,
      stderr: 'mom: atlas.yml:4:13: spec.adapters is a mapping; expected a list\n',
    })
    expect(await readFile(join(dir, 'atlas.yml'), 'utf8')).toBe(text)
  })

  test('names standard input in messages for -f -', async () => {
    const dir = await tempDir()

    const result = await runIn(dir, ['-f', '-', ...BASE], 'kind: Other\n')

    expect(result.code).toBe(1)
    expect(result.stderr).toBe(
      'mom: <stdin>: no Atlas document (a document with a spec mapping that is not an adapter document); found 0 adapter documents and 1 other document\n',
    )
    expect(result.stdout).toBe('')
  })
})
