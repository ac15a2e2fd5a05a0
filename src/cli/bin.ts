#!/usr/bin/env node
import { hideBin } from 'yargs/helpers';
import { main } from './main.js';

process.exitCode = await main(hideBin(process.argv));
// Everything a command does is awaited inside `main`; what can still hold the process here is a
// connection the server is closing (its socket ends a few milliseconds after the tool said goodbye).
// Exit as soon as stdout and stderr have taken everything written to them.
await Promise.all([drained(process.stdout), drained(process.stderr)]);
process.exit();

/** Resolves once everything written to `stream` so far has been handed to the operating system. */
function drained(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    if (stream.writableLength === 0) resolve();
    else stream.once('drain', () => resolve());
    stream.once('error', () => resolve());
  });
}
