import {
  CreateTopicCommand,
  GetSubscriptionAttributesCommand,
  ListSubscriptionsByTopicCommand,
  ListTopicsCommand,
  SetSubscriptionAttributesCommand,
  SubscribeCommand,
  type SNSClient,
} from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  QueueDoesNotExist,
  SetQueueAttributesCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { filterPolicyOf, topology as defaultTopology, type TopologyDefinition } from './definition';
import { allowTopicToSendPolicy } from './policies';

export type ProvisionAction = 'created' | 'updated' | 'unchanged';

export interface ProvisionStep {
  kind: 'topic' | 'queue' | 'subscription';
  name: string;
  action: ProvisionAction;
  /** Attribute names that were changed, for `updated`. */
  changed?: string[];
}

export interface ProvisionedQueue {
  name: string;
  url: string;
  arn: string;
  deadLetterQueue: { name: string; url: string; arn: string };
  subscriptionArn: string;
}

export interface ProvisionResult {
  topicArn: string;
  queues: Record<string, ProvisionedQueue>;
  steps: ProvisionStep[];
}

interface Deps {
  sns: SNSClient;
  sqs: SQSClient;
  /** Prepended to every name, e.g. "dev-" or a per-test prefix. */
  prefix?: string;
  definition?: TopologyDefinition;
  onStep?: (step: ProvisionStep) => void;
}

/**
 * Creates or updates the topic, queues, DLQs and subscriptions on an SNS/SQS endpoint so that
 * they match the definition. Idempotent: a second run reports every resource `unchanged`.
 */
export async function provisionTopology({ sns, sqs, prefix = '', definition = defaultTopology, onStep }: Deps) {
  const steps: ProvisionStep[] = [];
  const record = (step: ProvisionStep) => {
    steps.push(step);
    onStep?.(step);
  };

  const topicName = prefix + definition.topic.name;
  const topicExisted = await findTopicArn(sns, topicName);
  const { TopicArn: topicArn } = await sns.send(new CreateTopicCommand({ Name: topicName }));
  if (!topicArn) throw new Error(`CreateTopic returned no ARN for ${topicName}`);
  record({ kind: 'topic', name: topicName, action: topicExisted ? 'unchanged' : 'created' });

  const queues: Record<string, ProvisionedQueue> = {};
  for (const queue of definition.queues) {
    const dlqName = prefix + queue.deadLetterQueue.name;
    const dlq = await ensureQueue(sqs, dlqName, (arn) => ({
      MessageRetentionPeriod: String(queue.deadLetterQueue.messageRetentionSeconds),
      Policy: JSON.stringify(allowTopicToSendPolicy(arn, topicArn)),
    }));
    record({ kind: 'queue', name: dlqName, action: dlq.action, ...(dlq.changed ? { changed: dlq.changed } : {}) });

    const queueName = prefix + queue.name;
    const main = await ensureQueue(sqs, queueName, (arn) => ({
      VisibilityTimeout: String(queue.visibilityTimeoutSeconds),
      MessageRetentionPeriod: String(queue.messageRetentionSeconds),
      ReceiveMessageWaitTimeSeconds: String(queue.receiveWaitTimeSeconds),
      RedrivePolicy: JSON.stringify({
        deadLetterTargetArn: dlq.arn,
        maxReceiveCount: queue.deadLetterQueue.maxReceiveCount,
      }),
      Policy: JSON.stringify(allowTopicToSendPolicy(arn, topicArn)),
    }));
    record({ kind: 'queue', name: queueName, action: main.action, ...(main.changed ? { changed: main.changed } : {}) });

    const subscription = await ensureSubscription(sns, topicArn, main.arn, {
      RawMessageDelivery: 'true',
      FilterPolicyScope: 'MessageAttributes',
      FilterPolicy: JSON.stringify(filterPolicyOf(queue)),
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn }),
    });
    record({
      kind: 'subscription',
      name: `${topicName} → ${queueName}`,
      action: subscription.action,
      ...(subscription.changed ? { changed: subscription.changed } : {}),
    });

    queues[queue.name] = {
      name: queueName,
      url: main.url,
      arn: main.arn,
      deadLetterQueue: { name: dlqName, url: dlq.url, arn: dlq.arn },
      subscriptionArn: subscription.arn,
    };
  }
  return { topicArn, queues, steps } satisfies ProvisionResult;
}

async function findTopicArn(sns: SNSClient, name: string): Promise<string | undefined> {
  let NextToken: string | undefined;
  do {
    const page = await sns.send(new ListTopicsCommand({ NextToken }));
    const match = page.Topics?.find((topic) => topic.TopicArn?.split(':').pop() === name);
    if (match?.TopicArn) return match.TopicArn;
    NextToken = page.NextToken;
  } while (NextToken);
  return undefined;
}

async function ensureQueue(sqs: SQSClient, name: string, desiredFor: (arn: string) => Record<string, string>) {
  let url: string | undefined;
  try {
    ({ QueueUrl: url } = await sqs.send(new GetQueueUrlCommand({ QueueName: name })));
  } catch (error) {
    if (!(error instanceof QueueDoesNotExist)) throw error;
  }
  let action: ProvisionAction = 'unchanged';
  if (!url) {
    ({ QueueUrl: url } = await sqs.send(new CreateQueueCommand({ QueueName: name })));
    action = 'created';
  }
  if (!url) throw new Error(`CreateQueue returned no URL for ${name}`);

  const { Attributes: current = {} } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }),
  );
  const arn = current.QueueArn;
  if (!arn) throw new Error(`queue ${name} has no QueueArn`);
  const changes = differingAttributes(current, desiredFor(arn));
  if (Object.keys(changes).length > 0) {
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: changes }));
    if (action === 'unchanged') action = 'updated';
  }
  return { url, arn, action, changed: action === 'updated' ? Object.keys(changes) : undefined };
}

async function ensureSubscription(sns: SNSClient, topicArn: string, queueArn: string, desired: Record<string, string>) {
  let arn = await findSubscriptionArn(sns, topicArn, queueArn);
  let action: ProvisionAction = 'unchanged';
  if (!arn) {
    ({ SubscriptionArn: arn } = await sns.send(
      new SubscribeCommand({
        TopicArn: topicArn,
        Protocol: 'sqs',
        Endpoint: queueArn,
        Attributes: desired,
        ReturnSubscriptionArn: true,
      }),
    ));
    if (!arn) throw new Error(`Subscribe returned no ARN for ${queueArn}`);
    return { arn, action: 'created' as ProvisionAction, changed: undefined };
  }
  const { Attributes: current = {} } = await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: arn }));
  const changes = differingAttributes(current, desired);
  // SetSubscriptionAttributes takes one attribute per call.
  for (const [AttributeName, AttributeValue] of Object.entries(changes)) {
    await sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn: arn, AttributeName, AttributeValue }));
    action = 'updated';
  }
  return { arn, action, changed: action === 'updated' ? Object.keys(changes) : undefined };
}

async function findSubscriptionArn(sns: SNSClient, topicArn: string, queueArn: string) {
  let NextToken: string | undefined;
  do {
    const page = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn, NextToken }));
    const match = page.Subscriptions?.find(
      (subscription) => subscription.Protocol === 'sqs' && subscription.Endpoint === queueArn,
    );
    if (match?.SubscriptionArn && match.SubscriptionArn !== 'PendingConfirmation') return match.SubscriptionArn;
    NextToken = page.NextToken;
  } while (NextToken);
  return undefined;
}

/** The desired attributes whose current value differs; JSON values are compared by meaning. */
function differingAttributes(current: Record<string, string>, desired: Record<string, string>) {
  return Object.fromEntries(
    Object.entries(desired).filter(([name, value]) => !sameAttributeValue(current[name], value)),
  );
}

function sameAttributeValue(current: string | undefined, desired: string): boolean {
  if (current === desired) return true;
  if (current === undefined) return false;
  try {
    return canonicalJson(JSON.parse(current)) === canonicalJson(JSON.parse(desired));
  } catch {
    return false;
  }
}

/** JSON with sorted keys and numbers as strings: AWS echoes `"5"` where we sent `5`. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => a.localeCompare(b));
    return `{${entries.map(([key, inner]) => `${JSON.stringify(key)}:${canonicalJson(inner)}`).join(',')}}`;
  }
  return JSON.stringify(typeof value === 'number' ? String(value) : value);
}
