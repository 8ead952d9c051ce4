import { Command } from 'commander'

import type { Context } from '../../context.js'
import { MomError } from '../../errors.js'
import { describe } from '../help.js'

export interface LogoutOptions {
  baseUrl?: string
}

/** `mom auth logout`: forget the credential stored for one Atlas. */
export function logoutCommand(ctx: Context, run = runLogout): Command {
  const command = new Command('logout')
    .description('Remove the stored credential for an Atlas')
    .option(
      '--base-url <url>',
      'the Atlas to log out of (default $MOM_BASE_URL, else https://atlas.moment.dev)',
    )
    .action((opts: LogoutOptions) => run(opts, ctx))
  return describe(
    command,
    [
      [
        'forget the credential for a local Atlas',
        'mom auth logout --base-url http://127.0.0.1:8080',
      ],
    ],
    [
      ['MOM_BASE_URL', 'the default Atlas'],
      ['MOM_CONFIG_DIR', 'where credentials are stored'],
    ],
  )
}

export async function runLogout(opts: LogoutOptions, ctx: Context): Promise<void> {
  const { chooseBaseUrl } = await import('../../auth/login.js')
  const { CredentialStore, configDir, normalizeBaseUrl } = await import('../../auth/store.js')
  const baseUrl = normalizeBaseUrl(chooseBaseUrl(opts.baseUrl, ctx.env))

  const removed = await new CredentialStore(configDir(ctx.env, ctx.homedir)).delete(baseUrl)
  if (!removed) {
    throw new MomError(`not logged in to ${baseUrl}`, {
      code: 'NOT_LOGGED_IN',
      hint: "see 'mom auth status'",
    })
  }
  ctx.stderr.write(`logged out of ${baseUrl}\n`)
}
