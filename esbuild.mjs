// Builds src/ into dist/: one entry, and a chunk for each dynamically imported library, so a
// command loads only what it runs (mom --version loads neither yaml nor undici).
//
// esbuild splits code only in ES module output, and Node 20 keeps no code cache for ES modules,
// so the build runs in three steps: split src/ into ES module chunks in dist/.esm (removed after),
// turn each chunk into a CommonJS file in dist/ (imports become require calls, source maps are
// carried through to src/), then run a few commands once so that bin/load.js can save a V8 code
// cache beside each chunk (see there).
import { spawnSync } from 'node:child_process'
import { readdir, readFile, rm } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

import { build } from 'esbuild'

const root = fileURLToPath(new URL('.', import.meta.url))
const dist = join(root, 'dist')
const common = {
  platform: 'node',
  target: 'node20.18',
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
}

// Code splitting puts the parts of zod that the proxy's schemas use (673 KB, about 11 ms to
// load) into one chunk that the config editor would load too. The editor's inputs use a few
// checks of zod/mini: bundle those into src/config/inputs.ts itself, tree-shaken on their own.
const ownZodMini = {
  name: 'own-zod-mini',
  setup(esbuild) {
    esbuild.onLoad({ filter: /[\\/]src[\\/]config[\\/]inputs\.ts$/ }, async (args) => {
      const result = await build({
        ...common,
        entryPoints: [args.path],
        bundle: true,
        write: false,
        outdir: dirname(args.path), // where the source map's paths start from
        format: 'esm',
        sourcemap: 'inline',
        // The file's own imports stay imports, for the outer build to resolve and share.
        plugins: [
          {
            name: 'own-imports',
            setup: (inner) =>
              inner.onResolve({ filter: /^\./ }, (dep) =>
                dep.importer === args.path ? { path: dep.path, external: true } : undefined,
              ),
          },
        ],
      })
      return { contents: result.outputFiles[0].text, loader: 'js', resolveDir: dirname(args.path) }
    })
  },
}

// Commander requires node:child_process when it loads (a few ms: it pulls in node:net) but
// uses it only to run executable subcommands, which mom has none of: require it on first use.
const lazyChildProcess = {
  name: 'lazy-child-process',
  setup(esbuild) {
    esbuild.onLoad({ filter: /[\\/]commander[\\/]lib[\\/]command\.js$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8')
      const eager = "const childProcess = require('node:child_process');"
      if (!text.includes(eager)) throw new Error(`commander changed: ${eager} not found`)
      const lazy =
        "const childProcess = { spawn: (...a) => require('node:child_process').spawn(...a) };"
      return { contents: text.replace(eager, lazy), loader: 'js' }
    })
  },
}

// A fixed folder, so that the source maps of chunks without code of their own do not name a
// random temporary one.
const esm = join(dist, '.esm')
await rm(dist, { recursive: true, force: true })
try {
  await build({
    ...common,
    entryPoints: { main: 'src/main.ts' },
    outdir: esm,
    bundle: true,
    splitting: true,
    format: 'esm',
    packages: 'bundle',
    plugins: [lazyChildProcess, ownZodMini],
  })
  const chunks = (await readdir(esm)).filter((name) => name.endsWith('.js'))
  await build({
    ...common,
    entryPoints: chunks.map((name) => join(esm, name)),
    outdir: dist,
    format: 'cjs',
    // import() of a chunk becomes require() through bin/load.js, which knows no ES modules.
    supported: { 'dynamic-import': false },
  })
} finally {
  await rm(esm, { recursive: true, force: true })
}

const train = spawnSync(process.execPath, [join(root, 'train-cache.cjs')], {
  stdio: ['ignore', 'ignore', 'inherit'],
})
if (train.status !== 0) throw new Error('saving the code caches failed')
