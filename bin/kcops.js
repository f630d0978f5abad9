#!/usr/bin/env node
// Thin launcher: the compiled CLI lives in dist/. Exit codes: docs/reference/exit-codes.md.
import { run } from '../dist/cli/main.js';
import { endQuietlyWhenClosed } from '../dist/cli/closed-pipe.js';

// The AWS SDK warns on every Node 20 process that its future releases need Node 22. kcops pins the SDK it ships
// with, so the warning is nothing a kcops user can act on; it would only clutter stderr (and `-o json` pipelines).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// `kcops ... | head`: a reader that stops early ends kcops quietly instead of with an EPIPE stack trace.
endQuietlyWhenClosed(process.stdout);
endQuietlyWhenClosed(process.stderr);

const code = await run({ argv: process.argv.slice(2) });
process.exitCode = code;
