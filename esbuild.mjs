// Builds src/ into dist/: one entry, and a chunk for each dynamically imported library, so a
// command loads only what it runs (mom --version loads neither yaml nor undici).
import { build } from 'esbuild'
import { rm } from 'node:fs/promises'

await rm(new URL('./dist', import.meta.url), { recursive: true, force: true })
await build({
  entryPoints: { main: 'src/main.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.18',
  packages: 'bundle',
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
  // Some bundled CommonJS packages call require() on Node built-ins.
  // and some (write-file-atomic) read __filename, which an ES module does not have.
  banner: { js: "import { createRequire as __momRequire } from 'node:module'; import { fileURLToPath as __momFileURLToPath } from 'node:url'; const require = __momRequire(import.meta.url); const __filename = __momFileURLToPath(import.meta.url);" },
})
