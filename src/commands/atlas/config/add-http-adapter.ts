import { Command } from 'commander'

import type { Context } from '../../../context.js'
import { MomError } from '../../../errors.js'

// Placeholder until the command is built.
export function addHttpAdapterCommand(_ctx: Context): Command {
  return new Command('add-http-adapter').description('(not built yet)').action(() => {
    throw new MomError('add-http-adapter is not built yet')
  })
}
