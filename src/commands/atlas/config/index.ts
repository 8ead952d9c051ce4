import { Command } from 'commander'

import type { Context } from '../../../context.js'
import { addHttpAdapterCommand } from './add-http-adapter.js'
import { generateCommand } from './generate.js'

export function configCommand(ctx: Context): Command {
  return new Command('config')
    .description('Create and edit Atlas configuration files, keeping every other byte as it was')
    .helpCommand(false)
    .addCommand(addHttpAdapterCommand(ctx))
    .addCommand(generateCommand(ctx))
}
