import { chmod, mkdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'

import writeFileAtomic from 'write-file-atomic'

import { MomError } from '../errors.js'

/** Where mom keeps its files: `$MOM_CONFIG_DIR`, else `$XDG_CONFIG_HOME/mom`, else `~/.config/mom`. */
export function configDir(
  env: Readonly<Record<string, string | undefined>>,
  homedir: string,
): string {
  if (env.MOM_CONFIG_DIR) return env.MOM_CONFIG_DIR
  if (env.XDG_CONFIG_HOME) return join(env.XDG_CONFIG_HOME, 'mom')
  return join(homedir, '.config', 'mom')
}

/**
 * The key a credential is stored under: the URL's origin and path, without a trailing slash,
 * so `http://127.0.0.1:8080/` and `http://127.0.0.1:8080` name the same Atlas.
 */
export function normalizeBaseUrl(baseUrl: string): string {
  let url: URL
  try {
    url = new URL(baseUrl)
  } catch {
    throw new MomError(`invalid base URL "${baseUrl}"`, {
      code: 'INVALID_BASE_URL',
      hint: 'expected an absolute http or https URL',
    })
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new MomError(`invalid base URL "${baseUrl}"`, {
      code: 'INVALID_BASE_URL',
      hint: 'expected an absolute http or https URL',
    })
  }
  // A credential is stored for an Atlas, not for a query or a user: refuse rather than drop them.
  // The URL is not repeated, since credentials or a query may hold a secret.
  if (url.username || url.password || url.search || url.hash || /[?#]/.test(baseUrl)) {
    throw new MomError('invalid base URL: it must not hold credentials, a query or a fragment', {
      code: 'INVALID_BASE_URL',
    })
  }
  return url.origin + url.pathname.replace(/\/+$/, '')
}

interface StoreFile {
  version: 1
  credentials: Record<string, { token: string }>
}

/**
 * Credentials by base URL, in `credentials.json` under the config directory: the file mode 0600,
 * the directory 0700. Tokens are plain strings here; callers wrap them in `Secret` when they
 * travel further than the request that sends them.
 */
export class CredentialStore {
  readonly dir: string
  readonly path: string

  constructor(dir: string) {
    this.dir = dir
    this.path = join(dir, 'credentials.json')
  }

  async get(baseUrl: string): Promise<string | undefined> {
    const data = await this.#read()
    return data.credentials[normalizeBaseUrl(baseUrl)]?.token
  }

  async set(baseUrl: string, token: string): Promise<void> {
    const data = await this.#read()
    data.credentials[normalizeBaseUrl(baseUrl)] = { token }
    await this.#write(data)
  }

  /** Removes the credential; answers whether there was one. */
  async delete(baseUrl: string): Promise<boolean> {
    const data = await this.#read()
    const key = normalizeBaseUrl(baseUrl)
    if (!(key in data.credentials)) return false
    delete data.credentials[key]
    await this.#write(data)
    return true
  }

  /** The base URLs that have a credential, sorted; never the credentials. */
  async list(): Promise<string[]> {
    const data = await this.#read()
    return Object.keys(data.credentials).sort()
  }

  async #read(): Promise<StoreFile> {
    let text: string
    try {
      text = await readFile(this.path, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, credentials: {} }
      throw new MomError(`cannot read ${this.path}: ${(error as Error).message}`, {
        code: 'STORE_UNREADABLE',
      })
    }
    try {
      const data = JSON.parse(text) as Partial<StoreFile>
      if (typeof data.credentials !== 'object' || data.credentials === null)
        throw new Error('no credentials')
      return { version: 1, credentials: data.credentials }
    } catch {
      throw new MomError(`${this.path} is not a mom credential file`, {
        code: 'STORE_CORRUPT',
        hint: 'remove it and log in again',
      })
    }
  }

  async #write(data: StoreFile): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 })
    await chmod(this.dir, 0o700)
    await writeFileAtomic(this.path, JSON.stringify(data, null, 2) + '\n', { mode: 0o600 })
  }
}
