import { Command } from 'commander'

import type { Context } from '../context.js'
import { MomError } from '../errors.js'

// Placeholder until the command is built.
export function curlCommand(_ctx: Context): Command {
  return new Command('curl').description('(not built yet)').action(() => {
    throw new MomError('curl is not built yet')
  })
}
