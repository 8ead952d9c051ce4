#!/usr/bin/env node
// The executable: run the bundled main with the real process, and let output drain before exit.
'use strict'
const { join } = require('node:path')

const { createLoader } = require('./load.js')

const { runMom, systemContext } = createLoader(join(__dirname, '..', 'dist')).load('main.js')
runMom(systemContext(), process.argv.slice(2)).then((code) => {
  process.exitCode = code
})
