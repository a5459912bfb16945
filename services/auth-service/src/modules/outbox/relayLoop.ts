import type { FastifyBaseLogger as Logger } from 'fastify';
import type { PublishPendingOutboxEvents } from './outboxRelay';

/**
 * Runs the relay in-process: every `intervalMs`, and soon after `nudge()` (a commit that wrote
 * events), never two runs at once. A full batch runs again at once to drain a backlog.
 */
export function startRelayLoop({
  publish,
  intervalMs,
  batchSize,
  logger,
}: {
  publish: PublishPendingOutboxEvents;
  intervalMs: number;
  batchSize: number;
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
      .then((result) => (result.published >= batchSize && result.failed === 0 ? 0 : intervalMs))
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
