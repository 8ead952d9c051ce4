import { Command } from 'commander'

import type { Context } from '../../context.js'
import { configCommand } from './config/index.js'
import { runCommand } from './run.js'

export function atlasCommand(ctx: Context): Command {
  return new Command('atlas')
    .description('Work with Atlas configuration files and local Atlas instances')
    .helpCommand(false)
    .addCommand(configCommand(ctx))
    .addCommand(runCommand(ctx))
}
