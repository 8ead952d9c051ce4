import { Command } from 'commander'

import type { Context } from '../../context.js'
import { MomError } from '../../errors.js'

// Placeholder until the command is built.
export function loginCommand(_ctx: Context): Command {
  return new Command('login').description('(not built yet)').action(() => {
    throw new MomError('login is not built yet')
  })
}
