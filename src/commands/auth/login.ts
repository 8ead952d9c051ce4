import { Command } from 'commander'

import type { Context } from '../../context.js'
import { MomError } from '../../errors.js'
import { describe } from '../help.js'

export interface LoginOptions {
  baseUrl?: string
  withToken?: boolean
}

/** `mom auth login`: store the credential `mom curl` sends to one Atlas. */
export function loginCommand(ctx: Context, run = runLogin): Command {
  const command = new Command('login')
    .description(
      'Store the credential for an Atlas, read from standard input or asked for without echo',
    )
    .option(
      '--base-url <url>',
      'the Atlas the credential is for (default $MOM_BASE_URL, else https://atlas.moment.dev)',
    )
    .option('--with-token', 'read the token from standard input')
    .action((opts: LoginOptions) => run(opts, ctx))
  return describe(
    command,
    [
      [
        'log in to a local Atlas, the token piped in',
        'mom auth login --base-url http://127.0.0.1:8080 --with-token < token.txt',
      ],
      ['log in to the default Atlas, asked for the token', 'mom auth login'],
    ],
    [
      ['MOM_BASE_URL', 'the default Atlas'],
      [
        'MOM_CONFIG_DIR',
        'where credentials are stored (default $XDG_CONFIG_HOME/mom or ~/.config/mom)',
      ],
    ],
  )
}

export async function runLogin(opts: LoginOptions, ctx: Context): Promise<void> {
  const { chooseBaseUrl, parsePipedToken } = await import('../../auth/login.js')
  const { CredentialStore, configDir, normalizeBaseUrl } = await import('../../auth/store.js')
  const baseUrl = normalizeBaseUrl(chooseBaseUrl(opts.baseUrl, ctx.env))

  let token: string
  if (opts.withToken) {
    const { readAll } = await import('../../streams.js')
    token = parsePipedToken((await readAll(ctx.stdin)).toString('utf8'))
  } else if (ctx.isTTY.stdin) {
    token = await askToken(ctx, baseUrl)
  } else {
    throw new MomError('no terminal to ask for the token', {
      code: 'NO_TTY',
      hint: `pipe it in with 'mom auth login --base-url ${baseUrl} --with-token'`,
    })
  }

  await new CredentialStore(configDir(ctx.env, ctx.homedir)).set(baseUrl, token)
  ctx.stderr.write(`logged in to ${baseUrl}\n`)
}

async function askToken(ctx: Context, baseUrl: string): Promise<string> {
  const { default: password } = await import('@inquirer/password')
  const answer = await password(
    {
      message: `Token for ${baseUrl}:`,
      mask: false,
      validate: (v) => (v.trim() ? true : 'the token is empty'),
    },
    { input: ctx.stdin, output: ctx.stderr },
  )
  return answer.trim()
}
