import type { Context } from 'aws-lambda';
import { lambdaHttpHandler, lazyApp } from '@platform/shared/service';
import { flushTracing, startTracing } from '@platform/shared/tracing';
import { buildApp } from './app';

/**
 * Lambda entry points, from the same buildApp as the server:
 * - `http`: the HTTP API behind API Gateway (httpApi). No in-process relay: a frozen Lambda cannot
 *   run timers; the scheduled `relay` publishes instead.
 * - `relay`: every minute, publishes pending outbox events until a run publishes nothing (the backlog is
 *   drained, or what is left waits for its backoff) or time runs short.
 * The app is built once per container and reused while it is warm; a failed build is retried (lazyApp).
 */
const app = lazyApp(() => {
  startTracing('auth-service');
  return buildApp({ runOutboxRelay: false });
});

// Work a route does after answering (forgot-password) finishes before the invocation ends. Unlike the
// server, the client then waits for it too: see docs/security.md.
export const http = lambdaHttpHandler(app.get, {
  settle: async () => (await app.get()).context.deferred.settled(),
});

const safetyMarginMs = 10_000;

export async function relay(_event: unknown, context: Pick<Context, 'getRemainingTimeInMillis'>) {
  const { context: auth, log } = await app.get();
  let published = 0;
  let failed = 0;
  while (context.getRemainingTimeInMillis() > safetyMarginMs) {
    const run = await auth.publishPendingOutboxEvents();
    published += run.published;
    failed += run.failed;
    // Done when a run published nothing: nothing is due, or the endpoint is failing (backoff applies).
    // A run that published something may have let a user's next event go: run again.
    if (run.published === 0) break;
  }
  log.info({ published, failed }, 'scheduled outbox relay run');
  await flushTracing();
  return { published, failed };
}

/** Closes the cached app (tests; a Lambda container simply ends). */
export async function closeApp() {
  http.reset();
  await app.close();
}
