import type { Command } from 'commander'

/** One example for `--help`: what it does, then the command line. */
export type Example = [what: string, commandLine: string]

/**
 * Adds an Examples section, and the environment variables the command reads, after a command's
 * help, in the shape gh uses: `# what this does` above `$ mom …`.
 */
export function describe(
  command: Command,
  examples: readonly Example[],
  environment: readonly [name: string, meaning: string][] = [],
): Command {
  const lines = ['', 'Examples:']
  for (const [what, commandLine] of examples) lines.push(`  # ${what}`, `  $ ${commandLine}`, '')
  if (environment.length > 0) {
    const width = Math.max(...environment.map(([name]) => name.length))
    lines.push('Environment:')
    for (const [name, meaning] of environment) lines.push(`  ${name.padEnd(width)}  ${meaning}`)
    lines.push('')
  }
  return command.addHelpText('after', lines.join('\n'))
}
