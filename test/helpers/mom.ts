import { cp, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

import { execa, type Options } from 'execa'
import { afterEach } from 'vitest'

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url))
export const momBin = join(repoRoot, 'bin', 'mom.js')

/**
 * Runs the built `bin/mom.js` as a user would. Never rejects: the result carries the exit code,
 * stdout and stderr. The environment is cleared of MOM_ variables and colour settings so the
 * machine's own settings cannot leak into a test.
 */
export function mom(args: readonly string[], options: Options = {}) {
  const env: Record<string, string | undefined> = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('MOM_') && key !== 'FORCE_COLOR' && key !== 'NO_COLOR') env[key] = value
  }
  return execa('node', [momBin, ...args], {
    reject: false,
    stripFinalNewline: false,
    extendEnv: false,
    ...options,
    env: { ...env, ...(options.env as Record<string, string> | undefined) },
  })
}

const made: string[] = []
afterEach(async () => {
  await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })))
})

/** A fresh temp folder, removed after the test. */
export async function tempDir(prefix = 'mom-test-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix))
  made.push(dir)
  return dir
}

/** A temp copy of `fixtures/<name>`, removed after the test. */
export async function copyFixture(name: string): Promise<string> {
  const dir = await tempDir(`mom-${name}-`)
  await cp(join(repoRoot, 'fixtures', name), dir, { recursive: true })
  return dir
}
