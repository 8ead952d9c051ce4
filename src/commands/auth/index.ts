import { Command } from 'commander'

import type { Context } from '../../context.js'
import { describe } from '../help.js'
import { loginCommand } from './login.js'
import { logoutCommand } from './logout.js'
import { statusCommand } from './status.js'

export function authCommand(ctx: Context): Command {
  const command = new Command('auth')
    .description('Store and remove the credentials mom curl sends to an Atlas')
    .helpCommand(false)
    .addCommand(loginCommand(ctx))
    .addCommand(logoutCommand(ctx))
    .addCommand(statusCommand(ctx))
  return describe(command, [
    [
      'store a token for a local Atlas, piped in',
      'mom auth login --base-url http://127.0.0.1:8080 --with-token < token.txt',
    ],
    ['list the Atlas instances that have a credential', 'mom auth status'],
  ])
}
