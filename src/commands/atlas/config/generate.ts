import { Command } from 'commander'

import type { Context } from '../../../context.js'
import { MomError } from '../../../errors.js'

// Placeholder until the command is built.
export function generateCommand(_ctx: Context): Command {
  return new Command('generate').description('(not built yet)').action(() => {
    throw new MomError('generate is not built yet')
  })
}
