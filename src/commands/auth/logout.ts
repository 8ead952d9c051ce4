import { Command } from 'commander'

import type { Context } from '../../context.js'
import { MomError } from '../../errors.js'

// Placeholder until the command is built.
export function logoutCommand(_ctx: Context): Command {
  return new Command('logout').description('(not built yet)').action(() => {
    throw new MomError('logout is not built yet')
  })
}
