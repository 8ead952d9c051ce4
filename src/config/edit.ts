/**
 * The config commands' work, from raw flag values to bytes on disk or on standard output. The
 * commands load this module only when they run, so `mom --version` loads no YAML library.
 */
import { InternalError, MomError } from '../errors.js'
import { addHttpAdapter } from './add-adapter.js'
import { ConfigError } from './atlas-file.js'
import { readConfigFile, replaceConfigFile, type ReadFile } from './file-io.js'
import { generateAtlasConfig, PRESETS, type Preset } from './generate.js'
import {
  guardPlaintextSecrets,
  InputError,
  parseAdapterName,
  parseBaseUrl,
  parseHeaders,
} from './inputs.js'
import { decodeSource, encodeSource, NotUtf8Error } from './source.js'

/** One add-http-adapter request, before validation. */
export interface EditRequest {
  /** The file to edit; undefined reads standard input and writes standard output. */
  path: string | undefined
  /** The file's name in messages, as the user typed it. */
  shown: string
  readStdin: () => Promise<Buffer>
  adapter: { name: string; baseUrl: string; headers: readonly string[] }
  allowPlaintextSecret: boolean
  dryRun: boolean
}

/** What to print on standard output: the edited file (`-f -`) or the diff (`--dry-run`). */
export interface EditOutcome {
  output?: string | Buffer
}

/**
 * Validates the inputs, edits the file's text, and writes the result atomically; with `-f -` the
 * result goes to standard output, with `--dry-run` a unified diff does and nothing is written.
 */
export async function editConfigFile(request: EditRequest): Promise<EditOutcome> {
  const { shown } = request
  const adapter = validateAdapter(request)

  const read: ReadFile | undefined = request.path
    ? await readConfigFile(request.path, shown)
    : undefined
  const bytes = read ? read.bytes : await request.readStdin()
  let source
  try {
    source = decodeSource(bytes)
  } catch (error) {
    if (error instanceof NotUtf8Error)
      throw new ConfigError('NOT_UTF8', error.message, { file: shown })
    throw error
  }

  const { text } = addHttpAdapter(source, shown, adapter)
  const out = encodeSource(text, source.hasBom)

  if (request.dryRun) return { output: await formatDiff(shown, source.text, text) }
  if (!read) return { output: out }
  await replaceConfigFile(read, out, shown)
  return {}
}

function validateAdapter(request: EditRequest) {
  try {
    const headers = parseHeaders(request.adapter.headers)
    const adapter = {
      name: parseAdapterName(request.adapter.name),
      baseUrl: parseBaseUrl(request.adapter.baseUrl),
      headers,
    }
    if (!request.allowPlaintextSecret) guardPlaintextSecrets(headers)
    return adapter
  } catch (error) {
    if (error instanceof InputError)
      throw new ConfigError(error.code, error.message, { file: request.shown }, error.hint)
    throw error
  }
}

async function formatDiff(shown: string, before: string, after: string): Promise<string> {
  const { createTwoFilesPatch } = await import('diff')
  const name = shown.replace(/^\.\//, '')
  const patch = createTwoFilesPatch(`a/${name}`, `b/${name}`, before, after, undefined, undefined, {
    context: 3,
  })
  // The package opens with a line of `=`; git's form starts at the file names.
  return patch.replace(/^=+\r?\n/, '')
}

/** `mom atlas config generate`: the new configuration's text, after checking name and preset. */
export async function generateConfigText(name: string, preset: string): Promise<string> {
  try {
    parseAdapterName(name)
  } catch (error) {
    if (error instanceof InputError)
      throw new MomError(error.message.replace('--adapter-name', '--name'))
    throw error
  }
  if (!PRESETS.includes(preset as Preset)) {
    throw new MomError(`invalid --preset "${preset}": expected ${PRESETS.join(' or ')}`)
  }
  const text = generateAtlasConfig(name, preset as Preset)
  // What generate prints must be a file the editing commands accept.
  try {
    const { loadAtlasFile } = await import('./atlas-file.js')
    loadAtlasFile(decodeSource(text), '<generated>')
  } catch (error) {
    throw new InternalError(
      `the generated configuration does not load (${(error as Error).message})`,
    )
  }
  return text
}
