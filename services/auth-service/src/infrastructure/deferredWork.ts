import type { FastifyReply } from 'fastify';

/**
 * Work a route does after its answer has left, so that how long the work takes (does the account
 * exist? is the email taken?) tells the client nothing. The answer must not depend on the work; a
 * failure is logged with the request's ids. Tracked: the app waits for it before closing its clients,
 * and the Lambda handler before it returns (a frozen Lambda would drop it).
 */
export function createDeferredWork() {
  const pending = new Set<Promise<void>>();
  return {
    /** Runs `work` once the response of `reply` has been sent (or its connection closed). */
    afterResponse(reply: FastifyReply, what: string, work: () => Promise<unknown>): void {
      const task = new Promise<void>((resolve) => {
        let started = false;
        const start = () => {
          if (started) return;
          started = true;
          work().then(
            () => resolve(),
            (error: unknown) => {
              reply.log.error({ err: error, work: what }, 'work after the response failed');
              resolve();
            },
          );
        };
        if (reply.raw.writableFinished) start();
        reply.raw.once('finish', start);
        reply.raw.once('close', start);
      });
      pending.add(task);
      void task.finally(() => pending.delete(task));
    },

    /** Resolves when every piece of work started so far (and any it led to) has finished. */
    async settled(): Promise<void> {
      while (pending.size > 0) await Promise.all([...pending]);
    },
  };
}

export type DeferredWork = ReturnType<typeof createDeferredWork>;
