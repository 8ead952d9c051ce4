import { Command } from 'commander'

import type { Context } from '../../../context.js'
import { describe } from '../../help.js'
import { addHttpAdapterCommand } from './add-http-adapter.js'
import { generateCommand } from './generate.js'

export function configCommand(ctx: Context): Command {
  const command = new Command('config')
    .description('Create and edit Atlas configuration files, keeping every other byte as it was')
    .helpCommand(false)
    .addCommand(addHttpAdapterCommand(ctx))
    .addCommand(generateCommand(ctx))
  return describe(command, [
    [
      'start a configuration that registers with the production gateway',
      'mom atlas config generate --name my-atlas --preset production > atlas.yml',
    ],
    [
      'add an adapter and show the diff without writing',
      'mom atlas config add-http-adapter -f atlas.yml --adapter-name status --base-url https://status.example.com --dry-run',
    ],
  ])
}
