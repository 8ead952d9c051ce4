import { Command } from 'commander'

import type { Context } from '../../context.js'
import { MomError } from '../../errors.js'

// Placeholder until the command is built.
export function statusCommand(_ctx: Context): Command {
  return new Command('status').description('(not built yet)').action(() => {
    throw new MomError('status is not built yet')
  })
}
