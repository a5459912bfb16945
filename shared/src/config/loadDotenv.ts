import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * Loads a `.env` file into `env` the way `npm run dev` does, so the built servers (`npm start`, the
 * runtime image) read the same configuration: the file named by ENV_FILE (which must exist), else
 * the nearest `.env` from the working directory up to the repository root (the folder holding
 * package-lock.json). Variables already set in the environment win over the file. Returns the file
 * loaded, if any. Node's own parser (process.loadEnvFile) does the reading.
 * @example loadDotenv(); const config = loadAuthConfig();
 */
export function loadDotenv(cwd = process.cwd()): string | undefined {
  const named = process.env.ENV_FILE;
  if (named) {
    const file = path.resolve(cwd, named);
    if (!existsSync(file)) {
      console.error(`ENV_FILE=${named}: no such file`);
      process.exit(1);
    }
    process.loadEnvFile(file);
    return file;
  }
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    const file = path.join(dir, '.env');
    if (existsSync(file)) {
      process.loadEnvFile(file);
      return file;
    }
    if (existsSync(path.join(dir, 'package-lock.json')) || path.dirname(dir) === dir) return undefined;
  }
}
