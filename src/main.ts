import { Command, CommanderError } from 'commander'

import pkg from '../package.json' with { type: 'json' }
import { atlasCommand } from './commands/atlas/index.js'
import { authCommand } from './commands/auth/index.js'
import { curlCommand } from './commands/curl.js'
import { describe } from './commands/help.js'
import type { Context } from './context.js'
import { ExitCode, MomError } from './errors.js'
import { isDebug } from './output.js'

export type { Context } from './context.js'
export { systemContext } from './context.js'

/**
 * Runs one mom command line and returns the exit code: 0 on success, 2 for a malformed command
 * line, curl's codes for `mom curl`, 1 for everything else. Nothing here calls process.exit.
 */
export async function runMom(ctx: Context, argv: readonly string[]): Promise<number> {
  const program = buildProgram(ctx)
  try {
    await program.parseAsync([...argv], { from: 'user' })
    return 0
  } catch (error) {
    return reportError(ctx, error)
  }
}

export function buildProgram(ctx: Context): Command {
  const program = new Command('mom')
    .description(
      'Edit Atlas configuration files, run an Atlas locally, and send requests through it.',
    )
    .version(pkg.version, '--version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .helpCommand(false)
    // Options after a subcommand are that subcommand's: `mom curl --version` is curl's flag.
    .enablePositionalOptions()
    .addCommand(atlasCommand(ctx))
    .addCommand(curlCommand(ctx))
    .addCommand(authCommand(ctx))
  describe(program, [
    [
      'add an HTTP adapter to a configuration file',
      "mom atlas config add-http-adapter -f atlas.yml --adapter-name heroku --base-url https://api.heroku.com -H 'Authorization: Bearer ${{ HEROKU_API_KEY }}'",
    ],
    ['serve that file locally', 'mom atlas run -f atlas.yml'],
    [
      'send a request through it',
      'mom curl --base-url http://127.0.0.1:8080 /v1/apis/http/heroku/account',
    ],
  ])
  applyFrame(program, ctx)
  return program
}

/** Every command, however deep, writes to the context's streams and throws instead of exiting. */
function applyFrame(command: Command, ctx: Context): void {
  const name = commandPath(command)
  command
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (text) => void ctx.stdout.write(text),
      writeErr: (text) => void ctx.stderr.write(text),
      outputError: (text, write) =>
        write(
          `mom: ${oneLine(text.replace(/^error: /, '')).replace(/\.$/, '')}; see '${name} --help'\n`,
        ),
    })
  for (const sub of command.commands) applyFrame(sub, ctx)
}

function commandPath(command: Command): string {
  const names: string[] = []
  for (let c: Command | null = command; c; c = c.parent) names.unshift(c.name())
  return names.join(' ')
}

function reportError(ctx: Context, error: unknown): number {
  if (error instanceof CommanderError) {
    // Help and --version end by throwing too; everything else is a malformed command line.
    return error.exitCode === 0 ? 0 : 2
  }
  if (error instanceof ExitCode) return error.exitCode
  if (isDebug(ctx.env) && error instanceof Error) ctx.stderr.write(`${error.stack}\n`)
  if (error instanceof MomError) {
    ctx.stderr.write(`mom: ${oneLine(error.toLine())}\n`)
    return error.exitCode
  }
  const message = error instanceof Error ? error.message : String(error)
  ctx.stderr.write(`mom: ${oneLine(message)}\n`)
  return 1
}

function oneLine(text: string): string {
  return text.trim().replace(/\s*\n\s*/g, ' ')
}
