// Runs the real CLI in this process and reports its peak RSS on stderr as a last JSON line.
// Used by bench/run.js; stdout is the CLI's own.
const { run } = await import('../dist/src/cli.js');
const { processEnv } = await import('../dist/src/io.js');
const code = await run(['node', 'tradebot', ...process.argv.slice(2)], processEnv());
process.stderr.write(`${JSON.stringify({ maxRssMb: process.resourceUsage().maxRSS / 1024 })}\n`);
process.exitCode = code;
