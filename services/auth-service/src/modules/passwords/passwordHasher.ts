import argon2 from 'argon2';
import type { AuthConfig } from '../../infrastructure/config';
import { createConcurrencyLimit } from './concurrencyLimit';

/**
 * argon2id with OWASP's parameters (19 MiB, 2 iterations, parallelism 1), configurable so tests
 * can run cheaper. Verifying against an unknown account hashes a dummy, so that unknown emails
 * and wrong passwords take the same time.
 *
 * Sized to the machine: at most ARGON2_CONCURRENCY hashes at once (default: one per core; each is
 * single-threaded with parallelism 1, so more at once only slows each down and starves the event
 * loop), ARGON2_MAX_WAITING more queued, and beyond that 503 OVERLOADED at once.
 */
export function createPasswordHasher(
  config: Pick<AuthConfig, 'ARGON2_MEMORY_KIB' | 'ARGON2_TIME_COST' | 'ARGON2_CONCURRENCY' | 'ARGON2_MAX_WAITING'>,
) {
  const options = {
    type: argon2.argon2id,
    memoryCost: config.ARGON2_MEMORY_KIB,
    timeCost: config.ARGON2_TIME_COST,
    parallelism: 1,
  } as const;
  const slots = createConcurrencyLimit({
    name: 'argon2',
    maxInFlight: config.ARGON2_CONCURRENCY,
    maxWaiting: config.ARGON2_MAX_WAITING,
  });
  let dummyHash: Promise<string> | undefined;

  return {
    hash: (password: string) => slots.run(() => argon2.hash(password, options)),

    /** True when `password` matches `hash`; with no hash (unknown account) does the same work and returns false. */
    verify: (hash: string | null | undefined, password: string): Promise<boolean> =>
      slots.run(async () => {
        if (!hash) {
          dummyHash ??= argon2.hash('dummy-password-for-timing', options);
          await argon2.verify(await dummyHash, password).catch(() => false);
          return false;
        }
        try {
          return await argon2.verify(hash, password);
        } catch {
          return false;
        }
      }),
  };
}

export type PasswordHasher = ReturnType<typeof createPasswordHasher>;
