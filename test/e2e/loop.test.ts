import { spawn, type ChildProcess } from 'node:child_process'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'

import { afterEach, expect, test } from 'vitest'

import { mom, momBin, tempDir } from '../helpers/mom.js'

const running: (ChildProcess | Server)[] = []
afterEach(async () => {
  for (const thing of running.splice(0)) {
    if ('kill' in thing) {
      if (thing.exitCode === null) {
        const exited = new Promise((resolve) => thing.once('exit', resolve))
        thing.kill('SIGTERM')
        await exited
      }
    } else {
      await new Promise((resolve) => thing.close(resolve))
    }
  }
})

interface Seen {
  method: string
  url: string
  headers: IncomingHttpHeaders
  body: string
}

async function startRecordingUpstream(): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString() })
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end('{"ok":true}\n')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  running.push(server)
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen }
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

async function startAtlas(dir: string, env: Record<string, string>, port: number): Promise<ChildProcess> {
  const child = spawn('node', [momBin, 'atlas', 'run', '-f', 'atlas.yml', '--port', String(port)], {
    cwd: dir,
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  running.push(child)
  // Ready once it says where it listens: by then its generated token is saved for mom curl.
  let stderr = ''
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`mom atlas run did not start: ${stderr}`)), 10_000)
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
      if (stderr.includes(' listening on ')) {
        clearTimeout(timer)
        resolve()
      }
    })
    child.once('exit', (code) => reject(new Error(`mom atlas run exited ${code}: ${stderr}`)))
  })
  expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200)
  return child
}

test('generate, add-http-adapter, atlas run and curl carry a request to the upstream with the adapter credential', async () => {
  const dir = await tempDir()
  const upstream = await startRecordingUpstream()
  const env = { MOM_CONFIG_DIR: join(dir, 'config'), REC_KEY: 'rec-secret-value' }

  const generated = await mom(['atlas', 'config', 'generate', '--name', 'local-atlas', '--preset', 'local'], { cwd: dir })
  expect(generated.exitCode).toBe(0)
  await writeFile(join(dir, 'atlas.yml'), String(generated.stdout))
  const added = await mom(
    ['atlas', 'config', 'add-http-adapter', '-f', 'atlas.yml', '--adapter-name', 'rec', '--base-url', `${upstream.url}/base`, '-H', 'X-Api-Key: ${{ REC_KEY }}'],
    { cwd: dir },
  )
  expect(added.stderr).toBe('')
  expect(added.exitCode).toBe(0)
  const port = await freePort()
  await startAtlas(dir, env, port)
  const curl = await mom(['curl', '--base-url', `http://127.0.0.1:${port}`, '-sS', '-d', 'hello', '/v1/apis/http/rec/items?page=2'], { cwd: dir, env })

  expect(curl.stderr).toBe('')
  expect(curl.exitCode).toBe(0)
  expect(curl.stdout).toBe('{"ok":true}\n')
  expect(upstream.seen).toHaveLength(1)
  const [request] = upstream.seen
  expect(request).toMatchObject({ method: 'POST', url: '/base/items?page=2', body: 'hello' })
  expect(request!.headers['x-api-key']).toBe('rec-secret-value')
  expect(request!.headers.authorization).toBeUndefined()
  expect(request!.headers.host).toBe(new URL(upstream.url).host)
})

test('the upstream sees the adapter Authorization and never the Atlas token', async () => {
  const dir = await tempDir()
  const upstream = await startRecordingUpstream()
  const env = { MOM_CONFIG_DIR: join(dir, 'config'), REC_KEY: 'rec-secret-value' }
  const generated = await mom(['atlas', 'config', 'generate', '--name', 'local-atlas', '--preset', 'local'], { cwd: dir })
  await writeFile(join(dir, 'atlas.yml'), String(generated.stdout))
  await mom(
    ['atlas', 'config', 'add-http-adapter', '-f', 'atlas.yml', '--adapter-name', 'rec', '--base-url', upstream.url, '-H', 'Authorization: Bearer ${{ REC_KEY }}'],
    { cwd: dir },
  )
  const port = await freePort()
  await startAtlas(dir, env, port)

  const curl = await mom(['curl', '--base-url', `http://127.0.0.1:${port}`, '-sS', '/v1/apis/http/rec/whoami'], { cwd: dir, env })

  expect(curl.exitCode).toBe(0)
  expect(upstream.seen.map((r) => r.headers.authorization)).toEqual(['Bearer rec-secret-value'])
})
