#!/usr/bin/env node
// Starts the emulator from the command line and runs until SIGINT/SIGTERM; the
// package ships the same command as `sobot-channels emulator` (lib/cli.mjs).
// node tests/emulator/cli.mjs --port 0 [--seed N] [--app-id X --app-key Y] [--webhook-url U] ...

import { runEmulatorCli } from './lib/cli.mjs';

await runEmulatorCli(process.argv.slice(2), 'node tests/emulator/cli.mjs');
