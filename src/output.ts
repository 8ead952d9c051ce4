import type { Context } from './context.js'

/**
 * Whether to colour what goes to a stream: `FORCE_COLOR` forces it (unless `0` or `false`),
 * `NO_COLOR` turns it off, and otherwise only a terminal gets colour.
 */
export function shouldColor(env: Context['env'], isTTY: boolean): boolean {
  const force = env.FORCE_COLOR
  if (force !== undefined) return force !== '0' && force !== 'false'
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false
  return isTTY
}

/** A chalk instance for one stream of the context, loaded only by the commands that colour. */
export async function loadChalk(ctx: Context, stream: 'stdout' | 'stderr') {
  const { Chalk } = await import('chalk')
  return new Chalk({ level: shouldColor(ctx.env, ctx.isTTY[stream]) ? 1 : 0 })
}

export function isDebug(env: Context['env']): boolean {
  return env.MOM_DEBUG === '1'
}

/** Writes a detail line to stderr when `MOM_DEBUG=1`; never pass it a secret's value. */
export function debug(ctx: Context, message: string): void {
  if (isDebug(ctx.env)) ctx.stderr.write(`mom: debug: ${message}\n`)
}
