/**
 * The age of the oldest message of a queue, estimated from what SQS shows without CloudWatch (SQS
 * reports ApproximateAgeOfOldestMessage only as a CloudWatch metric, and peeking at a queue would
 * change it: a received message turns in flight and counts a receive).
 * - the queue held nothing at a sample: 0;
 * - a consumer of this process received from it since it was last seen empty: now minus the
 *   SentTimestamp of the oldest message of the latest receive (a message retried for a while
 *   shows its age from its first send);
 * - otherwise (a DLQ, or a stalled or absent consumer): the time since a sample last saw it empty,
 *   an upper bound that is off by at most one sampling interval; a queue that was never seen empty
 *   counts from when this process began to watch it.
 */
export function createOldestMessageAge(startedAt: number) {
  let lastEmptyAt: number | undefined;
  let latestReceive: { receivedAt: number; oldestSentAt: number } | undefined;
  return {
    /** A message handed to a handler; `receivedAt` is the same for every message of one receive. */
    received(receivedAt: number, sentAt: number | undefined) {
      if (sentAt === undefined) return;
      if (!latestReceive || receivedAt > latestReceive.receivedAt) latestReceive = { receivedAt, oldestSentAt: sentAt };
      else if (receivedAt === latestReceive.receivedAt)
        latestReceive.oldestSentAt = Math.min(latestReceive.oldestSentAt, sentAt);
    },
    /** The estimate in seconds, given how many messages (visible, in flight, delayed) the queue holds now. */
    sample(now: number, messages: number): number {
      if (messages === 0) {
        lastEmptyAt = now;
        return 0;
      }
      const nonEmptySince = lastEmptyAt ?? startedAt;
      const from =
        latestReceive && latestReceive.receivedAt >= nonEmptySince ? latestReceive.oldestSentAt : nonEmptySince;
      return Math.max(0, now - from) / 1000;
    },
  };
}

export type OldestMessageAge = ReturnType<typeof createOldestMessageAge>;
