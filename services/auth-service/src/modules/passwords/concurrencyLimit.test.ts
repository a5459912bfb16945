import { AppError } from '@platform/shared/http';
import { createConcurrencyLimit } from './concurrencyLimit';

/** A piece of work the test finishes when it wants. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, work: () => opened };
}

describe('concurrency limit', () => {
  it('runs at most maxInFlight at once, queues maxWaiting more in order, and refuses the rest with 503', async () => {
    const slots = createConcurrencyLimit({ name: 'argon2', maxInFlight: 2, maxWaiting: 2 });
    const gates = Array.from({ length: 4 }, gate);
    const order: number[] = [];
    const runs = gates.map((g, index) => slots.run(() => g.work().then(() => order.push(index))));
    expect(slots.load()).toEqual({ inFlight: 2, waiting: 2 });

    const refused = await slots.run(async () => 'never').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({
      statusCode: 503,
      code: 'OVERLOADED',
      details: { resource: 'argon2' },
      headers: { 'retry-after': '1' },
    });

    gates[1]!.open();
    await runs[1];
    expect(slots.load()).toEqual({ inFlight: 2, waiting: 1 }); // the first waiter took the slot
    for (const g of gates) g.open();
    await Promise.all(runs);
    expect(order).toEqual([1, 0, 2, 3]);
    expect(slots.load()).toEqual({ inFlight: 0, waiting: 0 });
  });

  it('frees the slot of a run that failed', async () => {
    const slots = createConcurrencyLimit({ name: 'argon2', maxInFlight: 1, maxWaiting: 0 });
    await expect(slots.run(() => Promise.reject(new Error('broken')))).rejects.toThrow('broken');
    await expect(slots.run(async () => 'next')).resolves.toBe('next');
  });
});
