import { mkdir, readFile, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

import { describe, expect, test } from 'vitest'

import { chooseBaseUrl, parsePipedToken } from '../../src/auth/login.js'
import { configDir, CredentialStore, normalizeBaseUrl } from '../../src/auth/store.js'
import { MomError } from '../../src/errors.js'
import { tempDir } from '../helpers/mom.js'

describe('CredentialStore', () => {
  test('writes the file with mode 0600 in a directory with mode 0700', async () => {
    const dir = join(await tempDir(), 'mom')

    await new CredentialStore(dir).set('http://127.0.0.1:8080', 'test-token')

    expect((await stat(dir)).mode & 0o777).toBe(0o700)
    expect((await stat(join(dir, 'credentials.json'))).mode & 0o777).toBe(0o600)
  })

  test('tightens a directory that already exists with looser modes', async () => {
    const dir = join(await tempDir(), 'mom')
    await mkdir(dir, { mode: 0o755 })

    await new CredentialStore(dir).set('http://127.0.0.1:8080', 'test-token')

    expect((await stat(dir)).mode & 0o777).toBe(0o700)
  })

  test('stores, finds, lists and deletes by normalised base URL', async () => {
    const store = new CredentialStore(await tempDir())

    await store.set('http://127.0.0.1:8080/', 'test-token')
    await store.set('https://atlas.moment.dev', 'test-token')

    expect(await store.get('http://127.0.0.1:8080')).toBe('test-token')
    expect(await store.list()).toEqual(['http://127.0.0.1:8080', 'https://atlas.moment.dev'])
    expect(await store.delete('http://127.0.0.1:8080')).toBe(true)
    expect(await store.delete('http://127.0.0.1:8080')).toBe(false)
    expect(await store.list()).toEqual(['https://atlas.moment.dev'])
  })

  test('refuses a file that is not a credential file, naming it', async () => {
    const dir = await tempDir()
    await writeFile(join(dir, 'credentials.json'), 'nope')

    await expect(new CredentialStore(dir).list()).rejects.toThrow(
      `${join(dir, 'credentials.json')} is not a mom credential file`,
    )
    expect(await readFile(join(dir, 'credentials.json'), 'utf8')).toBe('nope')
  })
})

describe('configDir and base URLs', () => {
  test('prefers MOM_CONFIG_DIR, then XDG_CONFIG_HOME, then ~/.config', () => {
    expect(configDir({ MOM_CONFIG_DIR: '/a', XDG_CONFIG_HOME: '/b' }, '/h')).toBe('/a')
    expect(configDir({ XDG_CONFIG_HOME: '/b' }, '/h')).toBe('/b/mom')
    expect(configDir({}, '/h')).toBe('/h/.config/mom')
  })

  test('chooses the flag, then MOM_BASE_URL, then the default Atlas', () => {
    expect(chooseBaseUrl('http://a', { MOM_BASE_URL: 'http://b' })).toBe('http://a')
    expect(chooseBaseUrl(undefined, { MOM_BASE_URL: 'http://b' })).toBe('http://b')
    expect(chooseBaseUrl(undefined, {})).toBe('https://atlas.moment.dev')
  })

  test('normalises a trailing slash away', () => {
    expect(normalizeBaseUrl('http://127.0.0.1:8080/team/')).toBe('http://127.0.0.1:8080/team')
  })

  test.each([
    'http://u:p@x.example',
    'http://x.example/?q=1',
    'http://x.example/?',
    'http://x.example/#f',
  ])(
    'refuses %s rather than storing a credential under a shortened URL, without repeating it',
    (url) => {
      expect(() => normalizeBaseUrl(url)).toThrow(
        /^invalid base URL: it must not hold credentials, a query or a fragment$/,
      )
    },
  )
})

describe('parsePipedToken', () => {
  test('drops one trailing newline, LF or CRLF', () => {
    expect(parsePipedToken('test-token\n')).toBe('test-token')
    expect(parsePipedToken('test-token\r\n')).toBe('test-token')
    expect(parsePipedToken('test-token')).toBe('test-token')
  })

  test('refuses an empty token and one that spans lines', () => {
    expect(() => parsePipedToken('\n')).toThrow(MomError)
    expect(() => parsePipedToken('')).toThrow('no token on standard input')
    expect(() => parsePipedToken('a\nb\n')).toThrow(
      'the token on standard input spans several lines',
    )
  })
})
