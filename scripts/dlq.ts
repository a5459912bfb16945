/**
 * npm run dlq [-- --queue user-notifications] [--sample 5]
 *   Depth and a sample (envelope fields only, never payloads) of each queue's DLQ.
 * npm run dlq:redrive [-- --queue user-profile-events] [--max 100]
 *   Moves DLQ messages back to their queue: send, then delete, so a crash duplicates and never loses.
 * Talks to AWS_ENDPOINT_URL (LocalStack, fauxqs) or AWS; names are prefixed with TOPOLOGY_PREFIX.
 */
import { parseArgs } from 'node:util';
import { createAwsClients, resolveAwsEndpoint } from '@platform/shared/aws';
import { resolveQueue, topology, type QueueName } from '@platform/shared/topology';
import { queueDepth, redriveDeadLetters, sampleDeadLetters } from './dlq/deadLetters';

async function main() {
  const { positionals, values } = parseArgs({
    args: process.argv.slice(2),
    options: { queue: { type: 'string' }, sample: { type: 'string', default: '5' }, max: { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  const command = positionals[0] ?? 'show';
  if (command !== 'show' && command !== 'redrive') throw new Error(`unknown command "${command}": use show or redrive`);
  const names = topology.queues
    .map((queue) => queue.name as QueueName)
    .filter((name) => !values.queue || name === values.queue);
  if (names.length === 0)
    throw new Error(`unknown queue "${values.queue}": ${topology.queues.map((q) => q.name).join(', ')}`);

  const endpoint = resolveAwsEndpoint();
  if (endpoint) {
    process.env.AWS_ACCESS_KEY_ID ??= 'test';
    process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
  }
  const prefix = process.env.TOPOLOGY_PREFIX ?? '';
  const aws = createAwsClients({ endpoint });
  console.log(`DLQs on ${endpoint ?? `AWS ${aws.region}`}${prefix ? ` (prefix "${prefix}")` : ''}`);
  try {
    for (const name of names) {
      const queue = await resolveQueue(aws, prefix, name);
      if (command === 'redrive') {
        const max = values.max ? Number(values.max) : undefined;
        const { moved } = await redriveDeadLetters({
          sqs: aws.sqs,
          dlqUrl: queue.deadLetterQueueUrl,
          sourceUrl: queue.url,
          ...(max ? { max } : {}),
        });
        console.log(`  ${prefix}${name}: moved ${moved} message(s) from the DLQ back to the queue`);
        continue;
      }
      const depth = await queueDepth(aws.sqs, queue.deadLetterQueueUrl);
      console.log(`  ${prefix}${name}-dlq: ${depth} message(s)`);
      if (depth > 0)
        for (const letter of await sampleDeadLetters(aws.sqs, queue.deadLetterQueueUrl, Number(values.sample)))
          console.log(`    ${JSON.stringify(letter)}`);
    }
  } finally {
    aws.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(`dlq failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
