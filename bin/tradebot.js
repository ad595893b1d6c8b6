#!/usr/bin/env node
// Launcher only: the program lives in dist/ (built by `npm install` via the prepare script).
// --version and --help are answered from dist/src/fast-path.js without loading the program.
const cannotStart = (err) => {
  process.stderr.write(`tradebot: cannot start (${err && err.code === 'ERR_MODULE_NOT_FOUND' ? 'not built: run npm install' : err}).\n`);
  process.exitCode = 3;
};
import('../dist/src/fast-path.js').then(
  (fast) => fast.answer(process.argv, process.stdout) || import('../dist/src/cli.js').then((cli) => cli.main(process.argv), cannotStart),
  cannotStart,
);
