/**
 * The raw baselines, run as a child process of `npm run bench` (`node --import tsx bench/rawClient.ts
 * '<json>'`): plain AWS SDK loops against the emulator, nothing of the services' code. A process of
 * its own, like the services it is compared with, so that it does not share the emulator's event
 * loop (the emulator runs in the bench process). Progress on stderr; the result as one JSON line on
 * stdout.
 *
 * - drain: ReceiveMessage(MaxNumberOfMessages 10) + DeleteMessageBatch by `pollers` concurrent loops
 *   until `expected` messages are deleted.
 * - publish: `count` user.created events by PublishBatch (10 entries a call), `inFlight` calls at once.
 * - roundtrip: one Publish at a time to the topic, timed until a long-polling receiver on the queue
 *   has it; `count` of them, one every `intervalMs`.
 * Its clients drop the SDK's logger middleware as the services' do (withoutSdkLogger), so the
 * baseline is the leanest SDK client, not a slower one.
 */
import { PublishBatchCommand, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient, type Message } from '@aws-sdk/client-sqs';
import { withoutSdkLogger } from '@platform/shared/aws';
import { toSnsPublishInput } from '@platform/shared/events';
import { chunks, publishBatchEntry, userCreatedEvents } from './events';
import { perSecond } from './stats';

export type RawRequest =
  | { mode: 'drain'; queueUrl: string; expected: number; pollers: number }
  | { mode: 'publish'; topicArn: string; count: number; inFlight: number }
  | { mode: 'roundtrip'; topicArn: string; queueUrl: string; count: number; warmup: number; intervalMs: number };

export interface DrainResult {
  deleted: number;
  elapsedMs: number;
  perSecond: number;
  receiveCalls: number;
  emptyReceives: number;
}

export interface PublishResult {
  published: number;
  elapsedMs: number;
  perSecond: number;
  calls: number;
}

export interface RoundtripResult {
  latenciesMs: number[];
}

const clientConfig = () => ({
  region: process.env.AWS_REGION ?? 'us-east-1',
  endpoint: process.env.AWS_ENDPOINT_URL,
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
});

const progress = (message: string) => process.stderr.write(`${message}\n`);

async function drain(request: Extract<RawRequest, { mode: 'drain' }>): Promise<DrainResult> {
  const sqs = withoutSdkLogger(new SQSClient(clientConfig()));
  let received = 0;
  let deleted = 0;
  let receiveCalls = 0;
  let emptyReceives = 0;
  let finishedAt = 0;
  const startedAt = performance.now();
  const ticker = setInterval(() => progress(`drained ${deleted}/${request.expected}`), 1_000);
  const loop = async () => {
    while (received < request.expected) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: request.queueUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 1,
          MessageAttributeNames: ['All'],
          MessageSystemAttributeNames: ['ApproximateReceiveCount'],
        }),
      );
      receiveCalls++;
      if (Messages.length === 0) {
        emptyReceives++;
        continue;
      }
      received += Messages.length;
      const { Failed = [] } = await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: request.queueUrl,
          Entries: Messages.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle })),
        }),
      );
      if (Failed.length) throw new Error(`DeleteMessageBatch failed for ${Failed.length} entries: ${Failed[0]?.Code}`);
      deleted += Messages.length;
      if (deleted >= request.expected && !finishedAt) finishedAt = performance.now();
    }
  };
  try {
    await Promise.all(Array.from({ length: request.pollers }, loop));
  } finally {
    clearInterval(ticker);
    sqs.destroy();
  }
  const elapsedMs = finishedAt - startedAt;
  return { deleted, elapsedMs, perSecond: perSecond(deleted, elapsedMs), receiveCalls, emptyReceives };
}

async function publish(request: Extract<RawRequest, { mode: 'publish' }>): Promise<PublishResult> {
  const sns = withoutSdkLogger(new SNSClient(clientConfig()));
  const batches = chunks(userCreatedEvents(request.count, `raw-${process.pid}`), 10).map((events) =>
    events.map((event, index) => publishBatchEntry(request.topicArn, event, String(index))),
  );
  let next = 0;
  let published = 0;
  let calls = 0;
  const startedAt = performance.now();
  const ticker = setInterval(() => progress(`published ${published}/${request.count}`), 1_000);
  const loop = async () => {
    for (let batch = batches[next++]; batch; batch = batches[next++]) {
      const { Failed = [] } = await sns.send(
        new PublishBatchCommand({ TopicArn: request.topicArn, PublishBatchRequestEntries: batch }),
      );
      calls++;
      if (Failed.length) throw new Error(`PublishBatch failed for ${Failed.length} entries: ${Failed[0]?.Code}`);
      published += batch.length;
    }
  };
  try {
    await Promise.all(Array.from({ length: request.inFlight }, loop));
  } finally {
    clearInterval(ticker);
    sns.destroy();
  }
  const elapsedMs = performance.now() - startedAt;
  return { published, elapsedMs, perSecond: perSecond(published, elapsedMs), calls };
}

async function roundtrip(request: Extract<RawRequest, { mode: 'roundtrip' }>): Promise<RoundtripResult> {
  const sns = withoutSdkLogger(new SNSClient(clientConfig()));
  const sqs = withoutSdkLogger(new SQSClient(clientConfig()));
  const waiting = new Map<string, (receivedAt: number) => void>();
  const stop = new AbortController();
  // The receiver long-polls all the time, as the profile worker does.
  const receiver = (async () => {
    while (!stop.signal.aborted) {
      let messages: Message[];
      try {
        ({ Messages: messages = [] } = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: request.queueUrl,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: 20,
            MessageAttributeNames: ['All'],
          }),
          { abortSignal: stop.signal },
        ));
      } catch (error) {
        if (stop.signal.aborted) return;
        throw error;
      }
      const receivedAt = performance.now();
      for (const message of messages)
        waiting.get((JSON.parse(message.Body ?? '{}') as { id?: string }).id ?? '')?.(receivedAt);
      if (messages.length)
        await sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: request.queueUrl,
            Entries: messages.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle })),
          }),
        );
    }
  })();
  const events = userCreatedEvents(request.warmup + request.count, `rt-${process.pid}`);
  const latenciesMs: number[] = [];
  try {
    // Give the receiver's first long poll time to open.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const startedAt = performance.now();
    for (const [index, event] of events.entries()) {
      const slot = startedAt + index * request.intervalMs;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, slot - performance.now())));
      const arrived = new Promise<number>((resolve, reject) => {
        waiting.set(event.id, resolve);
        setTimeout(() => reject(new Error(`event ${index} not received within 10 s`)), 10_000).unref();
      });
      const sentAt = performance.now();
      await sns.send(new PublishCommand(toSnsPublishInput(request.topicArn, event)));
      const receivedAt = await Promise.race([
        arrived,
        receiver.then(() => Promise.reject(new Error('receiver stopped'))),
      ]);
      waiting.delete(event.id);
      if (index >= request.warmup) latenciesMs.push(receivedAt - sentAt);
      if (index % 50 === 0) progress(`round trips ${Math.max(0, index - request.warmup)}/${request.count}`);
    }
  } finally {
    stop.abort();
    await receiver.catch(() => undefined);
    sns.destroy();
    sqs.destroy();
  }
  return { latenciesMs };
}

async function main() {
  const request = JSON.parse(process.argv[2] ?? '{}') as RawRequest;
  const result =
    request.mode === 'drain'
      ? await drain(request)
      : request.mode === 'publish'
        ? await publish(request)
        : request.mode === 'roundtrip'
          ? await roundtrip(request)
          : undefined;
  if (!result) throw new Error(`unknown mode in ${process.argv[2]}`);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
