import { overloaded } from '@platform/shared/http';

/**
 * At most `maxInFlight` runs at once, at most `maxWaiting` more waiting their turn (first come,
 * first served); beyond that a run is refused at once with 503 OVERLOADED and Retry-After, rather
 * than queued until its client has given up. For CPU-bound work such as argon2: more of it at once
 * than there are cores only makes each run slower, and an unbounded queue turns a burst into
 * timeouts (and, behind it, pool waits that end in 500s).
 * @example const slots = createConcurrencyLimit({ name: 'argon2', maxInFlight: 2, maxWaiting: 32 }); await slots.run(() => argon2.hash(p))
 */
export function createConcurrencyLimit(options: { name: string; maxInFlight: number; maxWaiting: number }) {
  let inFlight = 0;
  const waiting: Array<() => void> = [];
  return {
    async run<T>(work: () => Promise<T>): Promise<T> {
      if (inFlight < options.maxInFlight) inFlight++;
      else if (waiting.length < options.maxWaiting) await new Promise<void>((resolve) => waiting.push(resolve));
      else throw overloaded(options.name);
      try {
        return await work();
      } finally {
        // The slot passes straight to the next in line, or is freed.
        const next = waiting.shift();
        if (next) next();
        else inFlight--;
      }
    },
    /** Runs under way and waiting now (metrics, tests). */
    load: () => ({ inFlight, waiting: waiting.length }),
  };
}

export type ConcurrencyLimit = ReturnType<typeof createConcurrencyLimit>;
