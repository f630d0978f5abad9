#!/usr/bin/env node
// Thin launcher: the compiled CLI lives in dist/. Exit codes: docs/reference/exit-codes.md.
import { run } from '../dist/cli/main.js';

const code = await run({ argv: process.argv.slice(2) });
process.exitCode = code;
