#!/usr/bin/env node
// The executable: run the bundled main with the real process, and let output drain before exit.
import { runMom, systemContext } from '../dist/main.js'

process.exitCode = await runMom(systemContext(), process.argv.slice(2))
