import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { cappedBackoff } from '@platform/shared/retry';
import { parseUserEvent, toSnsPublishInput } from '@platform/shared/events';
import type { FastifyBaseLogger as Logger } from 'fastify';
import type { Database } from '../../infrastructure/database';

interface ClaimedRow {
  id: string;
  payload: unknown;
  attempts: number;
}

export interface OutboxRelayDeps {
  prisma: Database;
  sns: SNSClient;
  topicArn: () => Promise<string>;
  logger: Logger;
  batchSize: number;
}

/** Delay before retry n (1-based): 1 s, 2 s, 4 s … capped at 5 minutes. */
const retryDelayMs = (attempts: number) => cappedBackoff(attempts, 1000, 5 * 60 * 1000);

/**
 * Publishes due outbox rows to SNS in (created_at, id) order and marks them published.
 * Rows are claimed with FOR UPDATE SKIP LOCKED inside one transaction, so concurrent relays
 * (in-process instances, the scheduled Lambda) never publish the same row at the same time.
 * A failed publish gets exponential backoff and ends the batch: the endpoint is probably down,
 * and consumers order by userVersion anyway. Delivery is at-least-once (a crash between publish
 * and commit republishes); consumers dedupe by event id.
 */
export function createOutboxRelay(deps: OutboxRelayDeps) {
  return async function publishPendingOutboxEvents(): Promise<{ published: number; failed: number }> {
    const topicArn = await deps.topicArn();
    return deps.prisma.$transaction(
      async (tx) => {
        const rows = await tx.$queryRaw<ClaimedRow[]>`
          SELECT id::text AS id, payload, attempts FROM outbox_events
          WHERE published_at IS NULL AND next_attempt_at <= now()
          ORDER BY created_at, id
          LIMIT ${deps.batchSize}
          FOR UPDATE SKIP LOCKED`;
        let published = 0;
        for (const row of rows) {
          try {
            await deps.sns.send(new PublishCommand(toSnsPublishInput(topicArn, parseUserEvent(row.payload))));
          } catch (error) {
            const attempts = row.attempts + 1;
            const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
            await tx.$executeRaw`
              UPDATE outbox_events SET attempts = ${attempts}, last_error = ${message.slice(0, 1000)},
                next_attempt_at = now() + ${retryDelayMs(attempts)} * interval '1 millisecond'
              WHERE id = ${row.id}::uuid`;
            deps.logger.warn({ eventId: row.id, attempts, err: error }, 'outbox publish failed; will retry');
            return { published, failed: 1 };
          }
          // The one-time token in mail events is needed only until SNS has it: scrub it from auth_db.
          await tx.$executeRaw`
            UPDATE outbox_events SET published_at = now(), attempts = attempts + 1, last_error = NULL,
              payload = CASE WHEN payload->'payload' ? 'token'
                THEN jsonb_set(payload, '{payload,token}', '"[published]"') ELSE payload END
            WHERE id = ${row.id}::uuid`;
          published++;
        }
        return { published, failed: 0 };
      },
      { timeout: 60_000 },
    );
  };
}

export type PublishPendingOutboxEvents = ReturnType<typeof createOutboxRelay>;
