/**
 * The topology is defined once (shared/src/topology/definition.ts) and rendered three times:
 * the Resources of serverless.yml, the SDK provisioner used on emulators, and the committed
 * LocalStack init hook. This test renders or runs each, reads back what it made, and checks all
 * three against the definition in one normalised shape (see topologyShape.ts).
 *
 * Needs: an SNS/SQS endpoint in AWS_ENDPOINT_URL (globalSetup provides fauxqs), and the AWS CLI
 * (`aws`, override with AWS_CLI) to run the hook the way LocalStack runs it with `awslocal`.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import {
  DeleteTopicCommand,
  ListSubscriptionsByTopicCommand,
  SetSubscriptionAttributesCommand,
} from '@aws-sdk/client-sns';
import { DeleteQueueCommand, SetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { createAwsClients, type AwsClients } from '@platform/shared/aws';
import { topology } from '@platform/shared/topology';
import {
  LOCALSTACK_HOOK_PATH,
  provisionTopology,
  renderLocalstackHook,
  stagePrefix,
} from '@platform/shared/topology/render';
import { shapeOfCloudFormation, shapeOfDefinition, shapeOfEndpoint } from './topologyShape';

const run = promisify(execFile);
const root = resolve(__dirname, '../..');
const hookPath = join(root, LOCALSTACK_HOOK_PATH);
const runId = randomBytes(3).toString('hex');
const expected = shapeOfDefinition(topology);

jest.setTimeout(180_000);

const progress = (message: string) => process.stderr.write(`[topology agreement] ${message}\n`);

let clients: AwsClients;
const cleanups: Array<() => Promise<unknown>> = [];

beforeAll(() => {
  if (!process.env.AWS_ENDPOINT_URL) {
    throw new Error(
      'AWS_ENDPOINT_URL is not set: run through the integration project (npx jest --selectProjects integration), whose globalSetup starts fauxqs.',
    );
  }
  clients = createAwsClients({ endpoint: process.env.AWS_ENDPOINT_URL, maxAttempts: 2 });
});

afterAll(async () => {
  await Promise.allSettled(cleanups.map((cleanup) => cleanup()));
  clients?.destroy();
});

/** Deletes what a run under `prefix` made, whether or not its assertions passed. */
function cleanupLater(topicArn: string, queueUrls: string[]) {
  cleanups.push(() => clients.sns.send(new DeleteTopicCommand({ TopicArn: topicArn })));
  for (const QueueUrl of queueUrls) cleanups.push(() => clients.sqs.send(new DeleteQueueCommand({ QueueUrl })));
}

test('serverless.yml: the packaged CloudFormation resources match the definition', async () => {
  const stage = 'agreement';
  const packageDir = await mkdtemp(join(tmpdir(), 'sls-agreement-'));
  cleanups.push(() => rm(packageDir, { recursive: true, force: true }));
  progress(`serverless package --stage ${stage} into ${packageDir} (about 10 s)…`);
  const started = Date.now();
  await run(join(root, 'node_modules/.bin/serverless'), ['package', '--stage', stage, '--package', packageDir], {
    cwd: root,
    // Packaging is offline: no credentials needed, but dummy ones keep any SDK probe quiet.
    env: {
      ...process.env,
      SLS_TELEMETRY_DISABLED: '1',
      AWS_ACCESS_KEY_ID: 'dummy',
      AWS_SECRET_ACCESS_KEY: 'dummy',
      AWS_ENDPOINT_URL: '',
    },
    timeout: 150_000,
  });
  progress(`packaged in ${Date.now() - started} ms`);
  const template = JSON.parse(await readFile(join(packageDir, 'cloudformation-template-update-stack.json'), 'utf8'));

  expect(shapeOfCloudFormation(template, stagePrefix(stage))).toEqual(expected);
});

test('SDK provisioner: what it makes on the emulator matches the definition', async () => {
  const prefix = `agree-sdk-${runId}-`;
  progress(`provisioning with the SDK under ${prefix} on ${process.env.AWS_ENDPOINT_URL}`);
  const result = await provisionTopology({ sns: clients.sns, sqs: clients.sqs, prefix });
  cleanupLater(
    result.topicArn,
    Object.values(result.queues).flatMap((queue) => [queue.url, queue.deadLetterQueue.url]),
  );

  const { shape } = await shapeOfEndpoint(clients, prefix, topology.topic.name);
  expect(shape).toEqual(expected);
});

describe('LocalStack init hook', () => {
  it('is committed as rendered from the definition (npm run infra:render)', async () => {
    expect(await readFile(hookPath, 'utf8')).toBe(renderLocalstackHook());
  });

  it('makes the same topology on the emulator, and a second run repairs drift', async () => {
    const aws = await awsCliFor(process.env.AWS_ENDPOINT_URL!);
    const prefix = `agree-hook-${runId}-`;
    const runHook = async () => {
      const started = Date.now();
      const { stderr } = await run('bash', [hookPath], {
        cwd: root,
        env: {
          ...process.env,
          AWSLOCAL: `${aws} --endpoint-url=${process.env.AWS_ENDPOINT_URL}`,
          TOPOLOGY_PREFIX: prefix,
          AWS_DEFAULT_REGION: process.env.AWS_REGION ?? 'us-east-1',
          AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? 'test',
          AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? 'test',
        },
        timeout: 120_000,
      });
      progress(`hook ran in ${Date.now() - started} ms:\n${stderr.trimEnd()}`);
    };

    progress(`running ${LOCALSTACK_HOOK_PATH} with ${aws} under ${prefix} (the CLI starts ~20 times, ~15 s)…`);
    await runHook();
    const first = await shapeOfEndpoint(clients, prefix, topology.topic.name);
    cleanupLater(first.topicArn, first.queueUrls);
    expect(first.shape).toEqual(expected);

    // Drift a queue attribute and a subscription's filter policy; the hook must put them back.
    const [queue] = topology.queues;
    const queueUrl = first.queueUrls.find((url) => url.endsWith(`/${prefix}${queue.name}`))!;
    await clients.sqs.send(
      new SetQueueAttributesCommand({ QueueUrl: queueUrl, Attributes: { VisibilityTimeout: '7' } }),
    );
    const { Subscriptions = [] } = await clients.sns.send(
      new ListSubscriptionsByTopicCommand({ TopicArn: first.topicArn }),
    );
    for (const { SubscriptionArn } of Subscriptions) {
      await clients.sns.send(
        new SetSubscriptionAttributesCommand({
          SubscriptionArn,
          AttributeName: 'FilterPolicy',
          AttributeValue: '{"type":["drift"]}',
        }),
      );
    }
    expect((await shapeOfEndpoint(clients, prefix, topology.topic.name)).shape).not.toEqual(expected);

    progress('running the hook again over the drifted topology…');
    await runHook();
    const second = await shapeOfEndpoint(clients, prefix, topology.topic.name);
    expect(second.shape).toEqual(expected);
    expect(second.topicArn).toBe(first.topicArn);
  });
});

/**
 * The AWS CLI to run the hook with, checked against the endpoint. Fails (never skips) with what to
 * install: fauxqs speaks SQS's JSON protocol only, which old CLIs (Debian bookworm's awscli 2.9)
 * do not, and they fail with "Unknown action" on every SQS call.
 */
async function awsCliFor(endpoint: string): Promise<string> {
  const aws = process.env.AWS_CLI ?? 'aws';
  let version: string;
  try {
    version = (await run(aws, ['--version'])).stdout.trim();
  } catch (error) {
    throw new Error(
      `The AWS CLI (\`${aws}\`) is not on PATH, and this test runs the LocalStack hook with it.\n` +
        '  Install it: apt-get install -y awscli (or point AWS_CLI at one).\n' +
        `  (${(error as Error).message})`,
    );
  }
  try {
    await run(aws, ['--endpoint-url', endpoint, 'sqs', 'list-queues', '--max-items', '1'], {
      env: { ...process.env, AWS_DEFAULT_REGION: process.env.AWS_REGION ?? 'us-east-1', AWS_PAGER: '' },
    });
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? (error as Error).message);
    throw new Error(
      `The AWS CLI (${version}) cannot talk SQS to ${endpoint}: ${stderr.trim()}\n` +
        (/Unknown action|MissingAction|InvalidAction/.test(stderr)
          ? '  This CLI uses the old SQS query protocol; fauxqs implements only the JSON protocol. Use an AWS CLI v2 ' +
            '>= 2.13.34 (or a current v1) and point AWS_CLI at it if it is not the first `aws` on PATH.'
          : ''),
    );
  }
  progress(`using ${version}`);
  return aws;
}
