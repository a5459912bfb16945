import { readFileSync } from 'node:fs';
import { z } from 'zod';
import path from 'node:path';

/**
 * The bundled list of common passwords (lower-cased). Looked up next to this module, or from the
 * repository root when bundled (the Lambda package includes the file at its repository path).
 */
function loadCommonPasswords(): ReadonlySet<string> {
  const candidates = [
    path.join(__dirname, 'commonPasswords.txt'),
    path.resolve('services/auth-service/src/modules/passwords/commonPasswords.txt'),
  ];
  for (const file of candidates) {
    try {
      const lines = readFileSync(file, 'utf8').split('\n');
      return new Set(lines.filter((line) => line && !line.startsWith('#')).map((line) => line.toLowerCase()));
    } catch {
      // try the next location
    }
  }
  throw new Error('commonPasswords.txt not found: the common-password check cannot run');
}

let commonPasswords: ReadonlySet<string> | undefined;

export function isCommonPassword(password: string): boolean {
  commonPasswords ??= loadCommonPasswords();
  return commonPasswords.has(password.toLowerCase());
}

/**
 * A new password (NIST 800-63B / OWASP): 8 to 128 characters, no composition rules, not on the
 * list of common passwords. Length counts code points so that emoji and accents are not penalised.
 */
export const newPasswordSchema = z
  .string()
  .refine((value) => [...value].length >= 8, 'must be at least 8 characters')
  .refine((value) => [...value].length <= 128, 'must be at most 128 characters')
  .refine((value) => !isCommonPassword(value), 'is too common; choose a less guessable password')
  .meta({ description: '8 to 128 characters, not a commonly used password', examples: ['correct horse battery'] });

/** A password given to be checked (login, confirmation): only bounded, so hashing cannot be abused. */
export const givenPasswordSchema = z.string().min(1).max(128);
