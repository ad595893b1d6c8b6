/**
 * `status --watch`: redraw the screen every interval until Ctrl+C, which ends it normally (exit 0).
 */
export async function redrawUntilInterrupted(out: NodeJS.WritableStream, render: () => Promise<string>, everyMs = 1000): Promise<void> {
  const signal = interruptSignal();
  try {
    while (!signal.aborted) {
      const text = await render();
      // home, clear the screen and the scroll-back: a redraw, not a scrolling log
      out.write(`\u001b[H\u001b[2J\u001b[3J${text}`);
      await sleep(everyMs, signal);
    }
  } finally {
    signal.dispose();
  }
}

/** Aborts on the first SIGINT (instead of the process dying); dispose() puts the default back. */
export function interruptSignal(): AbortSignal & { dispose(): void } {
  const ac = new AbortController();
  const onInt = () => ac.abort();
  process.once('SIGINT', onInt);
  return Object.assign(ac.signal, { dispose: () => void process.off('SIGINT', onInt) });
}

export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
