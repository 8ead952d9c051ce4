import { Command } from 'commander'

import type { Context } from '../../context.js'
import { MomError } from '../../errors.js'

// Placeholder until the command is built.
export function runCommand(_ctx: Context): Command {
  return new Command('run').description('(not built yet)').action(() => {
    throw new MomError('run is not built yet')
  })
}
