import { Command } from 'commander'

import type { Context } from '../../../context.js'
import { describe } from '../../help.js'

/** The flags of `mom atlas config generate`. */
export interface GenerateOptions {
  name: string
  preset: string
}

export type GenerateRun = (opts: GenerateOptions, ctx: Context) => Promise<void>

export function generateCommand(ctx: Context, run: GenerateRun = runGenerate): Command {
  const command = new Command('generate')
    .description('Print a new Atlas configuration with an empty spec.adapters')
    .requiredOption(
      '--name <name>',
      'the Atlas instance name: lowercase letters, digits and -, at most 63 characters',
    )
    .requiredOption(
      '--preset <preset>',
      'production (registers with dns:atlas.moment.dev:443) or local (for mom atlas run)',
    )
    .action(async (opts: GenerateOptions) => run(opts, ctx))
  return describe(command, [
    [
      'start a configuration for a deployed Atlas',
      'mom atlas config generate --name my-atlas --preset production > atlas.yml',
    ],
    [
      'start one to try with mom atlas run',
      'mom atlas config generate --name dev --preset local > atlas.yml',
    ],
  ])
}

/** Validates the name and preset and prints the configuration to standard output. */
export async function runGenerate(opts: GenerateOptions, ctx: Context): Promise<void> {
  const { generateConfigText } = await import('../../../config/edit.js')
  ctx.stdout.write(await generateConfigText(opts.name, opts.preset))
}
