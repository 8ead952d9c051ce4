import { Command } from 'commander'

import type { Context } from '../../context.js'
import { MomError } from '../../errors.js'
import { describe } from '../help.js'

/** `mom auth status`: which Atlas base URLs have a stored credential (never the credential). */
export function statusCommand(ctx: Context, run = runStatus): Command {
  const command = new Command('status')
    .description('List the Atlas base URLs that have a stored credential, never the credential')
    .action(() => run(ctx))
  return describe(
    command,
    [['see which Atlases mom curl can reach without --token', 'mom auth status']],
    [['MOM_CONFIG_DIR', 'where credentials are stored']],
  )
}

export async function runStatus(ctx: Context): Promise<void> {
  const { CredentialStore, configDir } = await import('../../auth/store.js')
  const store = new CredentialStore(configDir(ctx.env, ctx.homedir))

  const baseUrls = await store.list()
  if (baseUrls.length === 0) {
    throw new MomError('no stored credentials', {
      code: 'NOT_LOGGED_IN',
      hint: "run 'mom auth login --base-url URL'",
    })
  }
  for (const baseUrl of baseUrls) ctx.stdout.write(`${baseUrl}\n`)
}
