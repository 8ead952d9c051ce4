import { readFile, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

import { describe, expect, test, vi } from 'vitest'

import { readConfigFile, replaceConfigFile } from '../../src/config/file-io.js'
import { tempDir } from '../helpers/mom.js'

describe('replaceConfigFile', () => {
  test('replaces the file when it is as it was read', async () => {
    const dir = await tempDir()
    const path = join(dir, 'atlas.yml')
    await writeFile(path, 'a: 1\n', { mode: 0o600 })
    const read = await readConfigFile(path, 'atlas.yml')

    await replaceConfigFile(read, Buffer.from('a: 2\n'), 'atlas.yml')

    expect(await readFile(path, 'utf8')).toBe('a: 2\n')
    expect((await stat(path)).mode & 0o777).toBe(0o600)
  })

  test('refuses when the file changed on disk after it was read', async () => {
    const dir = await tempDir()
    const path = join(dir, 'atlas.yml')
    await writeFile(path, 'a: 1\n')
    const read = await readConfigFile(path, 'atlas.yml')
    await writeFile(path, 'a: 3\n')

    const attempt = replaceConfigFile(read, Buffer.from('a: 2\n'), 'atlas.yml')

    await expect(attempt).rejects.toThrow('the file changed on disk while mom was editing it')
    expect(await readFile(path, 'utf8')).toBe('a: 3\n')
  })

  test('refuses when the file was replaced by another with the same bytes', async () => {
    const dir = await tempDir()
    const path = join(dir, 'atlas.yml')
    await writeFile(path, 'a: 1\n')
    const read = await readConfigFile(path, 'atlas.yml')
    await writeFile(join(dir, 'other.yml'), 'a: 1\n')
    await rm(path)
    await writeFile(join(dir, 'pad.yml'), 'x')
    await writeFile(path, 'a: 1\n')

    const attempt = replaceConfigFile(read, Buffer.from('a: 2\n'), 'atlas.yml')

    const inode = (await stat(path)).ino
    if (inode !== read.identity.ino)
      await expect(attempt).rejects.toThrow('the file changed on disk')
    else await attempt
  })

  test('refuses when the file is gone before the write', async () => {
    const dir = await tempDir()
    const path = join(dir, 'atlas.yml')
    await writeFile(path, 'a: 1\n')
    const read = await readConfigFile(path, 'atlas.yml')
    await rm(path)

    await expect(replaceConfigFile(read, Buffer.from('a: 2\n'), 'atlas.yml')).rejects.toThrow(
      'the file changed on disk',
    )
  })
})

describe('the atomic write', () => {
  test('flushes the new bytes to disk before renaming them into place', async () => {
    const fs = (await import('node:fs')).default
    const dir = await tempDir()
    const path = join(dir, 'atlas.yml')
    await writeFile(path, 'a: 1\n')
    const read = await readConfigFile(path, 'atlas.yml')
    const fsync = vi.spyOn(fs, 'fsync')

    await replaceConfigFile(read, Buffer.from('a: 2\n'), 'atlas.yml')

    expect(fsync).toHaveBeenCalled()
    fsync.mockRestore()
  })
})
