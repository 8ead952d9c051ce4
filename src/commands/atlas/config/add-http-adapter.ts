import { isAbsolute, resolve } from 'node:path'

import { Command, Option } from 'commander'

import type { Context } from '../../../context.js'
import { readAll } from '../../../streams.js'
import { describe } from '../../help.js'

/** The flags of `mom atlas config add-http-adapter`, as Commander parsed them. */
export interface AddHttpAdapterOptions {
  file: string
  adapterName: string
  baseUrl: string
  header: string[]
  dryRun: boolean
  allowPlaintextSecret: boolean
}

export type AddHttpAdapterRun = (opts: AddHttpAdapterOptions, ctx: Context) => Promise<void>

const STDIN_NAME = '<stdin>'

export function addHttpAdapterCommand(
  ctx: Context,
  run: AddHttpAdapterRun = runAddHttpAdapter,
): Command {
  const command = new Command('add-http-adapter')
    .description(
      'Add an HTTP adapter: one adapterRef in spec.adapters and one adapter document at the end of the file, changing no other byte',
    )
    .requiredOption(
      '-f, --file <path>',
      'the Atlas configuration file; - reads standard input and writes standard output',
    )
    .requiredOption(
      '--adapter-name <name>',
      'lowercase letters, digits and -, at most 63 characters',
    )
    .requiredOption(
      '--base-url <url>',
      'absolute http or https URL, without query, fragment or credentials',
    )
    .addOption(
      new Option('-H, --header <line>', "a header the adapter sets, as 'Name: value' (repeatable)")
        // Repeated -H collect in the order given.
        .argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value]),
    )
    .option('--dry-run', 'print the diff that would be applied and write nothing')
    .option(
      '--allow-plaintext-secret',
      'allow a credential header whose value holds no ${{ }} reference',
    )
    .action(async (opts: Partial<AddHttpAdapterOptions>) =>
      run(
        {
          file: opts.file!,
          adapterName: opts.adapterName!,
          baseUrl: opts.baseUrl!,
          header: opts.header ?? [],
          dryRun: opts.dryRun === true,
          allowPlaintextSecret: opts.allowPlaintextSecret === true,
        },
        ctx,
      ),
    )
  return describe(
    command,
    [
      [
        'add Heroku, with its API key read from HEROKU_API_KEY where Atlas runs',
        "mom atlas config add-http-adapter -f atlas.yml --adapter-name heroku --base-url https://api.heroku.com -H 'Authorization: Bearer ${{ HEROKU_API_KEY }}' -H 'Accept: application/vnd.heroku+json; version=3'",
      ],
      [
        'show the diff without writing the file',
        'mom atlas config add-http-adapter -f atlas.yml --adapter-name status --base-url https://status.example.com --dry-run',
      ],
      [
        'edit a file in a pipe',
        'mom atlas config add-http-adapter -f - --adapter-name status --base-url https://status.example.com < atlas.yml > new.yml',
      ],
    ],
    [['MOM_DEBUG', 'set to 1 to print stack traces and details of failures']],
  )
}

/** Validates the flags, edits the file (or standard input), and writes or prints the result. */
export async function runAddHttpAdapter(opts: AddHttpAdapterOptions, ctx: Context): Promise<void> {
  const { editConfigFile } = await import('../../../config/edit.js')
  const isStdin = opts.file === '-'
  const path = isStdin ? undefined : isAbsolute(opts.file) ? opts.file : resolve(ctx.cwd, opts.file)
  const result = await editConfigFile({
    path,
    shown: isStdin ? STDIN_NAME : opts.file,
    readStdin: () => readAll(ctx.stdin),
    adapter: { name: opts.adapterName, baseUrl: opts.baseUrl, headers: opts.header },
    allowPlaintextSecret: opts.allowPlaintextSecret,
    dryRun: opts.dryRun,
  })
  if (result.output !== undefined) await write(ctx.stdout, result.output)
}

function write(stream: NodeJS.WritableStream, data: string | Buffer): Promise<void> {
  return new Promise((done) => {
    if (stream.write(data)) done()
    else stream.once('drain', () => done())
  })
}
