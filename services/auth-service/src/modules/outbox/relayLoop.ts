import type { FastifyBaseLogger as Logger } from 'fastify';
import type { PublishPendingOutboxEvents } from './outboxRelay';

/**
 * Runs the relay in-process, never two runs at once: a run that published something runs again at
 * once (it drains a backlog, and publishing a user's event lets that user's next one go), and so
 * does `nudge()` (a commit that wrote events); otherwise the next run is `intervalMs` later.
 */
export function startRelayLoop({
  publish,
  intervalMs,
  logger,
}: {
  publish: PublishPendingOutboxEvents;
  intervalMs: number;
  logger: Logger;
}) {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;
  let nudged = false;

  const schedule = (delay: number) => {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(run, delay);
  };
  const run = () => {
    if (running) {
      nudged = true;
      return;
    }
    running = publish()
      .then((result) => (result.published > 0 ? 0 : intervalMs))
      .catch((error: unknown) => {
        logger.warn({ err: error }, 'outbox relay run failed');
        return intervalMs;
      })
      .then((delay) => {
        running = undefined;
        schedule(nudged ? 0 : delay);
        nudged = false;
      });
  };
  schedule(0);

  return {
    nudge: () => schedule(0),
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
