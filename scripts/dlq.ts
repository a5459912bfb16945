/**
 * npm run dlq [-- --queue user-notifications] [--sample 5] [--json]
 *   Depth of each queue's DLQ and a sample: each message's type, user, event, why it is there, and
 *   its body (one-time tokens and passwords redacted). Messages stay where they are.
 * npm run dlq:redrive [-- --queue user-profile-events] [--max 100]
 *   Moves DLQ messages back to their queue: send, then delete, so a crash duplicates and never loses.
 * The endpoint is the one `npm run dev` uses: AWS_ENDPOINT_URL (or LOCALSTACK_ENDPOINT) from the
 * environment or .env, else the emulator `npm run dev` starts (127.0.0.1:FAUXQS_PORT, 4566). Real AWS
 * only with --allow-aws and no endpoint set. Names are prefixed with TOPOLOGY_PREFIX.
 */
import { parseArgs } from 'node:util';
import { createAwsClients, resolveAwsEndpoint } from '@platform/shared/aws';
import { loadDotenv } from '@platform/shared/config';
import { resolveQueue, topology, type QueueName } from '@platform/shared/topology';
import { describeDeadLetter, queueDepth, redriveDeadLetters, sampleDeadLetters } from './dlq/deadLetters';

async function main() {
  const { positionals, values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      queue: { type: 'string' },
      sample: { type: 'string', default: '5' },
      max: { type: 'string' },
      json: { type: 'boolean', default: false },
      'allow-aws': { type: 'boolean', default: false },
    },
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

  loadDotenv();
  const configured = resolveAwsEndpoint();
  const endpoint = configured ?? (values['allow-aws'] ? undefined : devEmulatorEndpoint());
  if (endpoint) {
    process.env.AWS_ACCESS_KEY_ID ??= 'test';
    process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
  }
  const prefix = process.env.TOPOLOGY_PREFIX ?? '';
  const aws = createAwsClients({ endpoint });
  const where = endpoint
    ? `${endpoint}${configured ? '' : " (npm run dev's emulator; set AWS_ENDPOINT_URL for another, --allow-aws for AWS)"}`
    : `AWS ${aws.region}`;
  console.log(`DLQs on ${where}${prefix ? `, prefix "${prefix}"` : ''}`);
  try {
    for (const name of names) {
      const queue = await resolveQueue(aws, prefix, name).catch((error: unknown) => {
        throw unreachable(error, endpoint) ?? error;
      });
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
      if (depth === 0) continue;
      const letters = await sampleDeadLetters(aws.sqs, queue.deadLetterQueueUrl, Number(values.sample));
      letters.forEach((letter, index) => {
        if (values.json) console.log(`    ${JSON.stringify(letter)}`);
        else for (const line of describeDeadLetter(letter, index)) console.log(`    ${line}`);
      });
    }
  } finally {
    aws.destroy();
  }
}

/** The emulator `npm run dev` starts when no endpoint is configured. */
function devEmulatorEndpoint(): string {
  return `http://127.0.0.1:${process.env.FAUXQS_PORT ?? 4566}`;
}

function unreachable(error: unknown, endpoint: string | undefined): Error | undefined {
  const code =
    (error as { cause?: { code?: string }; code?: string }).code ??
    (error as { cause?: { code?: string } }).cause?.code;
  if (!endpoint || code !== 'ECONNREFUSED') return undefined;
  return new Error(`nothing answers at ${endpoint}: is npm run dev (or the compose stack) running?`);
}

main().catch((error: unknown) => {
  console.error(`dlq failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
