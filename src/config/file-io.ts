/**
 * Reading a configuration file with its identity, and replacing it atomically (SPEC section 2,
 * "Writing"): a temporary file in the same folder, flushed, renamed over the original, keeping
 * its mode; a symbolic link is followed and its target replaced. If the file changed on disk
 * since it was read, nothing is replaced.
 */
import { constants } from 'node:fs'
import { access, readFile, stat } from 'node:fs/promises'

import writeFileAtomic from 'write-file-atomic'

import { ConfigError } from './atlas-file.js'

/** A file's bytes and what identifies that version of it. */
export interface ReadFile {
  path: string
  bytes: Buffer
  identity: FileIdentity
}

interface FileIdentity {
  ino: number
  size: number
  mtimeMs: number
}

/** Reads a file; `shown` is the name used in messages (as the user typed it). */
export async function readConfigFile(path: string, shown: string): Promise<ReadFile> {
  try {
    const identity = identify(await stat(path))
    const bytes = await readFile(path)
    return { path, bytes, identity }
  } catch (error) {
    throw fileError(error, shown, 'read')
  }
}

/**
 * Replaces the file with `bytes`, unless it changed since `read`: the check runs once the
 * temporary file exists, just before it is written and renamed over the original.
 */
export async function replaceConfigFile(
  read: ReadFile,
  bytes: Buffer,
  shown: string,
): Promise<void> {
  const refuseIfChanged = async () => {
    const now = await readFile(read.path).catch(() => undefined)
    const identity = await stat(read.path).then(identify, () => undefined)
    const same = now !== undefined && identity?.ino === read.identity.ino && now.equals(read.bytes)
    if (!same) {
      throw new ConfigError(
        'FILE_CHANGED',
        'the file changed on disk while mom was editing it',
        { file: shown },
        'nothing was written; run the command again',
      )
    }
  }
  await refuseIfChanged()
  // The rename would get past a read-only file's mode; refuse what the user could not write.
  await access(read.path, constants.W_OK).catch((error: unknown) => {
    throw fileError(error, shown, 'write')
  })
  try {
    await writeFileAtomic(read.path, bytes, { fsync: true, tmpfileCreated: refuseIfChanged })
  } catch (error) {
    if (error instanceof ConfigError) throw error
    throw fileError(error, shown, 'write')
  }
}

function identify(stats: { ino: number; size: number; mtimeMs: number }): FileIdentity {
  return { ino: stats.ino, size: stats.size, mtimeMs: stats.mtimeMs }
}

function fileError(error: unknown, shown: string, action: 'read' | 'write'): ConfigError {
  const code = (error as NodeJS.ErrnoException).code
  if (code === undefined) throw error
  if (action === 'read' && code === 'ENOENT')
    return new ConfigError('FILE_NOT_FOUND', 'no such file', { file: shown })
  if (code === 'EISDIR')
    return new ConfigError('FILE_UNREADABLE', 'is a directory, not a file', { file: shown })
  const reason =
    code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (code ?? 'failed').toLowerCase()
  return action === 'read'
    ? new ConfigError('FILE_UNREADABLE', `cannot read the file: ${reason}`, { file: shown })
    : new ConfigError(
        'FILE_UNWRITABLE',
        `cannot write the file: ${reason}`,
        { file: shown },
        'nothing was written',
      )
}
