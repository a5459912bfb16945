import { parseArgs } from 'node:util';
import { redactUrls } from './pgUrl';

/** Where CLI output goes; tests pass collectors instead of the console. */
export interface Io {
  out(line: string): void;
  err(line: string): void;
}

export const consoleIo: Io = {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
};

/** Parses `--service x --name y` (also `--service=x`); unknown options are an error, not ignored. */
export function parseCliArgs(argv: string[]): { service?: string; name?: string } {
  const { values } = parseArgs({
    args: argv,
    options: { service: { type: 'string' }, name: { type: 'string' } },
    strict: true,
    allowPositionals: false,
  });
  return values;
}

/**
 * Runs a CLI body and turns any failure into a one-line message (passwords masked) and exit code 1.
 * The stack is left out on purpose: these are operator-facing errors, and causes already say what failed.
 */
export async function runCli(title: string, io: Io, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (error) {
    io.err(`${title} failed: ${redactUrls(error instanceof Error ? error.message : String(error))}`);
    return 1;
  }
}
