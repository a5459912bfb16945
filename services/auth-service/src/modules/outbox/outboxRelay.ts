import {
  PublishBatchCommand,
  type PublishBatchRequestEntry,
  type PublishCommandInput,
  type SNSClient,
} from '@aws-sdk/client-sns';
import { cappedBackoff } from '@platform/shared/retry';
import { parseUserEvent, toSnsPublishInput } from '@platform/shared/events';
import { tracePublishes } from '@platform/shared/tracing';
import type { FastifyBaseLogger as Logger } from 'fastify';
import type { Database } from '../../infrastructure/database';

interface ClaimedRow {
  id: string;
  payload: unknown;
  attempts: number;
  /** The W3C trace context of the change that wrote the row, when it was traced. */
  traceContext: unknown;
}

export interface OutboxRelayDeps {
  prisma: Database;
  sns: SNSClient;
  topicArn: () => Promise<string>;
  logger: Logger;
  /** Rows one run claims (at most one per user). */
  batchSize: number;
  /** PublishBatch calls in flight at once. */
  publishConcurrency: number;
  /** How long one run's publishing may take; entries without an answer by then count as failed. */
  publishTimeoutMs: number;
  /** How long a claim keeps other relays off the rows; longer than publishTimeoutMs. */
  leaseSeconds: number;
}

export interface RelayRunResult {
  published: number;
  failed: number;
}

/** SNS takes at most 10 entries per PublishBatch. */
const PUBLISH_BATCH_MAX = 10;

/** Delay before retry n (1-based): 1 s, 2 s, 4 s … capped at 5 minutes. */
const retryDelayMs = (attempts: number) => cappedBackoff(attempts, 1000, 5 * 60 * 1000);

const describeError = (error: unknown) =>
  (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).slice(0, 1000);

/**
 * The PublishBatch entry of one event: every field of its Publish input (toSnsPublishInput) that a
 * batch entry carries (body, the `type` and `correlationId` attributes the subscriptions filter on, …),
 * so that a batch entry and a single Publish of the same event cannot drift apart. Id: the event id.
 */
function toPublishBatchEntry(id: string, input: PublishCommandInput): PublishBatchRequestEntry {
  return {
    Id: id,
    Message: input.Message,
    Subject: input.Subject,
    MessageStructure: input.MessageStructure,
    MessageAttributes: input.MessageAttributes,
    MessageDeduplicationId: input.MessageDeduplicationId,
    MessageGroupId: input.MessageGroupId,
  };
}

/**
 * One relay run: claim, publish, mark, with no network call inside a database transaction.
 * - claim: one statement leases a batch of due rows (claimed_until = now() + lease, FOR UPDATE SKIP
 *   LOCKED), so concurrent relays (processes, the scheduled Lambda) never publish a row at the same
 *   time, and a crashed relay's rows are taken over once its lease has expired. It takes only the
 *   earliest unpublished event of each user: a user's events go out one after another, in
 *   (created_at, id) order, and an event that fails holds back that user's later events only.
 * - publish: SNS PublishBatch, 10 entries a call, `publishConcurrency` calls at once, read entry by
 *   entry (Successful / Failed); the whole run's publishing is bounded by publishTimeoutMs.
 * - mark: one UPDATE for the published rows (the one-time token of mail events is scrubbed, as SNS
 *   has it now) and one for the failed ones (capped exponential backoff, last_error); both release
 *   the lease.
 * Delivery is at-least-once (a crash between publish and mark, or a lease that ran out, publishes a
 * row again); consumers dedupe by event id.
 */
export function createOutboxRelay(deps: OutboxRelayDeps) {
  const claim = () =>
    deps.prisma.$queryRaw<ClaimedRow[]>`
      WITH due AS (
        SELECT o.id FROM outbox_events o
        WHERE o.published_at IS NULL
          AND o.next_attempt_at <= now()
          AND (o.claimed_until IS NULL OR o.claimed_until <= now())
          AND NOT EXISTS (
            SELECT 1 FROM outbox_events earlier
            WHERE earlier.user_id = o.user_id
              AND earlier.published_at IS NULL
              AND (earlier.created_at, earlier.id) < (o.created_at, o.id)
          )
        ORDER BY o.created_at, o.id
        LIMIT ${deps.batchSize}
        FOR UPDATE OF o SKIP LOCKED
      )
      UPDATE outbox_events o SET claimed_until = now() + ${deps.leaseSeconds} * interval '1 second'
      FROM due WHERE o.id = due.id
      RETURNING o.id::text AS id, o.payload, o.attempts, o.trace_context AS "traceContext"`;

  /** Publishes the rows; returns the error of each row that did not go out (absent: published). */
  async function publish(topicArn: string, rows: ClaimedRow[]): Promise<Map<string, string>> {
    const errors = new Map<string, string>();
    const entries: PublishBatchRequestEntry[] = [];
    const traced = tracePublishes(rows, topicArn);
    for (const row of rows) {
      try {
        const entry = toPublishBatchEntry(row.id, toSnsPublishInput(topicArn, parseUserEvent(row.payload)));
        entry.MessageAttributes = { ...entry.MessageAttributes, ...traced.attributesOf(row.id) };
        entries.push(entry);
      } catch (error) {
        errors.set(row.id, describeError(error));
      }
    }
    const batches: PublishBatchRequestEntry[][] = [];
    for (let start = 0; start < entries.length; start += PUBLISH_BATCH_MAX)
      batches.push(entries.slice(start, start + PUBLISH_BATCH_MAX));

    const abortSignal = AbortSignal.timeout(deps.publishTimeoutMs);
    const publishBatch = async (batch: PublishBatchRequestEntry[]) => {
      const answered = new Set<string>();
      try {
        const { Successful = [], Failed = [] } = await deps.sns.send(
          new PublishBatchCommand({ TopicArn: topicArn, PublishBatchRequestEntries: batch }),
          { abortSignal },
        );
        for (const entry of Successful) if (entry.Id) answered.add(entry.Id);
        for (const entry of Failed) {
          if (!entry.Id) continue;
          answered.add(entry.Id);
          errors.set(entry.Id, `${entry.Code ?? 'Failed'}: ${entry.Message ?? ''}`.slice(0, 1000));
        }
        for (const entry of batch)
          if (!answered.has(entry.Id!)) errors.set(entry.Id!, 'PublishBatch returned no result for this entry');
      } catch (error) {
        for (const entry of batch) errors.set(entry.Id!, describeError(error));
      }
    };
    let next = 0;
    const worker = async () => {
      for (let batch = batches[next++]; batch; batch = batches[next++]) await publishBatch(batch);
    };
    await Promise.all(Array.from({ length: Math.min(deps.publishConcurrency, batches.length) }, worker));
    traced.end(errors);
    return errors;
  }

  async function markPublished(ids: string[]) {
    if (ids.length === 0) return;
    // The one-time token in mail events is needed only until SNS has it: scrub it from auth_db.
    await deps.prisma.$executeRaw`
      UPDATE outbox_events SET published_at = now(), attempts = attempts + 1, last_error = NULL,
        claimed_until = NULL,
        payload = CASE WHEN payload->'payload' ? 'token'
          THEN jsonb_set(payload, '{payload,token}', '"[published]"') ELSE payload END
      WHERE id = ANY(${ids}::uuid[]) AND published_at IS NULL`;
  }

  async function markFailed(failed: Array<{ row: ClaimedRow; error: string }>) {
    if (failed.length === 0) return;
    const ids = failed.map(({ row }) => row.id);
    const errors = failed.map(({ error }) => error);
    const delaysMs = failed.map(({ row }) => retryDelayMs(row.attempts + 1));
    await deps.prisma.$executeRaw`
      UPDATE outbox_events o SET attempts = o.attempts + 1, last_error = f.error, claimed_until = NULL,
        next_attempt_at = now() + f.delay_ms * interval '1 millisecond'
      FROM unnest(${ids}::uuid[], ${errors}::text[], ${delaysMs}::int[]) AS f(id, error, delay_ms)
      WHERE o.id = f.id AND o.published_at IS NULL`;
  }

  return async function publishPendingOutboxEvents(): Promise<RelayRunResult> {
    const topicArn = await deps.topicArn();
    const rows = await claim();
    if (rows.length === 0) return { published: 0, failed: 0 };

    const errors = await publish(topicArn, rows);
    const published = rows.filter((row) => !errors.has(row.id)).map((row) => row.id);
    const failed = rows.flatMap((row) => {
      const error = errors.get(row.id);
      return error === undefined ? [] : [{ row, error }];
    });
    await Promise.all([markPublished(published), markFailed(failed)]);
    if (failed.length > 0) {
      deps.logger.warn(
        {
          published: published.length,
          failed: failed.length,
          examples: failed
            .slice(0, 3)
            .map(({ row, error }) => ({ eventId: row.id, attempts: row.attempts + 1, error })),
        },
        'outbox publish failed for some events; they will be retried with backoff',
      );
    }
    return { published: published.length, failed: failed.length };
  };
}

export type PublishPendingOutboxEvents = ReturnType<typeof createOutboxRelay>;
