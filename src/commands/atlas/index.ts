import { Command } from 'commander'

import type { Context } from '../../context.js'
import { describe } from '../help.js'
import { configCommand } from './config/index.js'
import { runCommand } from './run.js'

export function atlasCommand(ctx: Context): Command {
  const command = new Command('atlas')
    .description('Work with Atlas configuration files and local Atlas instances')
    .helpCommand(false)
    .addCommand(configCommand(ctx))
    .addCommand(runCommand(ctx))
  return describe(command, [
    [
      'start a configuration for a local Atlas',
      'mom atlas config generate --name dev --preset local > atlas.yml',
    ],
    ['serve it on 127.0.0.1:8080', 'mom atlas run -f atlas.yml'],
  ])
}
