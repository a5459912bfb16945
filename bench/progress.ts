/** Progress on stderr (stdout stays for the table): timestamped steps and a live counter. */

const started = performance.now();
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)}s`.padStart(6);

/** One line on stderr: `[bench  12.3s] message`. */
export function step(message: string): void {
  process.stderr.write(`[bench ${elapsed()}] ${message}\n`);
}

/**
 * A counter shown while something runs: rewritten in place on a terminal, one line every few
 * seconds otherwise (CI logs). `update` is cheap; `done` leaves the last state on its own line.
 */
export function liveCounter(label: string) {
  const tty = process.stderr.isTTY;
  let lastPrinted = 0;
  let lastText = '';
  const print = (text: string, force: boolean) => {
    lastText = text;
    const now = performance.now();
    if (tty) {
      if (!force && now - lastPrinted < 100) return;
      process.stderr.write(`\r\x1b[2K[bench ${elapsed()}] ${label}: ${text}`);
    } else {
      if (!force && now - lastPrinted < 2_000) return;
      process.stderr.write(`[bench ${elapsed()}] ${label}: ${text}\n`);
    }
    lastPrinted = now;
  };
  return {
    update: (text: string) => print(text, false),
    done(text = lastText) {
      if (tty) process.stderr.write(`\r\x1b[2K`);
      step(`${label}: ${text}`);
    },
  };
}
