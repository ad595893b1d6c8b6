#!/usr/bin/env node
// Launcher only: the program lives in dist/ (built by `npm install` via the prepare script).
import('../dist/src/cli.js').then(
  (cli) => cli.main(process.argv),
  (err) => {
    process.stderr.write(`tradebot: cannot start (${err && err.code === 'ERR_MODULE_NOT_FOUND' ? 'not built: run npm install' : err}).\n`);
    process.exitCode = 3;
  },
);
