'use strict'
// Loads dist/, esbuild's chunks of mom as CommonJS files. Each chunk is compiled with vm.Script
// and the V8 code cache the build saved beside it (main.js -> main.js.cache), so V8 skips
// parsing and compiling the functions the build's training run used: most of a command's
// start-up time. Node 20 keeps no code cache for ES modules, hence CommonJS. A cache V8 refuses
// (another Node version, other V8 flags) is ignored and the chunk compiles from its source.
// Like Node's own modules, each chunk runs once and every chunk requiring it shares its exports.
const { readFileSync } = require('node:fs')
const { join } = require('node:path')
const { Script } = require('node:vm')

// The same wrapper Node puts around a CommonJS file; strict, as the ES modules the chunks were.
const HEAD = '(function (exports, require, module, __filename, __dirname) { "use strict";'
const TAIL = '\n})'

/**
 * A loader for the chunks in `dir`: `load(name)` returns a chunk's exports; `scripts` maps each
 * loaded chunk's name to its vm.Script, for the build to save the code caches.
 */
function createLoader(dir) {
  const exported = new Map()
  const scripts = new Map()
  const requireChunk = (id) => (id.startsWith('./') ? load(id.slice(2)) : require(id))

  function load(name) {
    if (exported.has(name)) return exported.get(name).exports
    const filename = join(dir, name)
    const source = readFileSync(filename, 'utf8')
    let cachedData
    try {
      cachedData = readFileSync(`${filename}.cache`)
    } catch {
      // No cache: compile from the source alone.
    }
    const script = new Script(HEAD + source + TAIL, { filename, cachedData })
    const module = { exports: {} }
    exported.set(name, module)
    scripts.set(name, script)
    script.runInThisContext()(module.exports, requireChunk, module, filename, dir)
    return module.exports
  }

  return { load, scripts }
}

module.exports = { createLoader }
