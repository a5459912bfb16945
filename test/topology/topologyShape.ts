/**
 * One comparable shape for the three renderings of the topology (CloudFormation, the SDK
 * provisioner, the LocalStack hook) and for the definition itself. Names are without prefix;
 * numbers are numbers; filter policies are parsed with sorted values; policies are reduced to
 * "does it let the topic send here".
 */
import { isDeepStrictEqual } from 'node:util';
import {
  GetSubscriptionAttributesCommand,
  ListSubscriptionsByTopicCommand,
  ListTopicsCommand,
  type SNSClient,
  type Subscription,
} from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, GetQueueUrlCommand, ListQueuesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { filterPolicyOf, type TopologyDefinition } from '@platform/shared/topology';

export interface QueueShape {
  name: string;
  visibilityTimeoutSeconds: number;
  messageRetentionSeconds: number;
  receiveWaitTimeSeconds: number;
  policyAllowsTopic: boolean;
  deadLetterQueue: {
    name: string;
    maxReceiveCount: number;
    messageRetentionSeconds: number;
    policyAllowsTopic: boolean;
  };
  subscription: {
    rawMessageDelivery: boolean;
    filterPolicyScope: string;
    filterPolicy: unknown;
    redriveTargetQueue: string;
  };
}

export interface TopologyShape {
  topic: string;
  /** Every queue of the deployment, main queues and DLQs, sorted. */
  allQueues: string[];
  /** One entry per subscription of the topic, sorted by queue name. */
  queues: QueueShape[];
}

export function shapeOfDefinition(definition: TopologyDefinition): TopologyShape {
  return {
    topic: definition.topic.name,
    allQueues: definition.queues.flatMap((queue) => [queue.name, queue.deadLetterQueue.name]).sort(),
    queues: sortByName(
      definition.queues.map((queue) => ({
        name: queue.name,
        visibilityTimeoutSeconds: queue.visibilityTimeoutSeconds,
        messageRetentionSeconds: queue.messageRetentionSeconds,
        receiveWaitTimeSeconds: queue.receiveWaitTimeSeconds,
        policyAllowsTopic: true,
        deadLetterQueue: {
          name: queue.deadLetterQueue.name,
          maxReceiveCount: queue.deadLetterQueue.maxReceiveCount,
          messageRetentionSeconds: queue.deadLetterQueue.messageRetentionSeconds,
          policyAllowsTopic: true,
        },
        subscription: {
          rawMessageDelivery: true,
          filterPolicyScope: 'MessageAttributes',
          filterPolicy: sortedFilterPolicy(filterPolicyOf(queue)),
          redriveTargetQueue: queue.deadLetterQueue.name,
        },
      })),
    ),
  };
}

// ---------------------------------------------------------------------------------------------
// CloudFormation (the template `serverless package` writes)

interface Template {
  Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
}

/** The logical id behind `{Ref: id}` or `{Fn::GetAtt: [id, Arn]}`, the two forms the renderer uses. */
function referencedId(value: unknown): string | undefined {
  if (!value || typeof value !== 'object') return undefined;
  if ('Ref' in value && typeof value.Ref === 'string') return value.Ref;
  const getAtt = (value as Record<string, unknown>)['Fn::GetAtt'];
  if (Array.isArray(getAtt) && getAtt[1] === 'Arn') return String(getAtt[0]);
  return undefined;
}

export function shapeOfCloudFormation(template: Template, prefix: string): TopologyShape {
  const resources = Object.entries(template.Resources);
  const ofType = (type: string) => resources.filter(([, resource]) => resource.Type === type);
  const properties = (id: string | undefined) => {
    const resource = id === undefined ? undefined : template.Resources[id];
    if (!resource?.Properties) throw new Error(`the template has no resource ${String(id)}`);
    return resource.Properties;
  };
  const queueName = (id: string | undefined) => unprefixed(String(properties(id).QueueName), prefix);

  const topics = ofType('AWS::SNS::Topic');
  if (topics.length !== 1) throw new Error(`expected one SNS topic in the template, found ${topics.length}`);
  const [topicId, topic] = topics[0]!;

  /** Whether some QueuePolicy attached to queue `id` lets the topic send to it. */
  const policyAllowsTopic = (id: string) =>
    ofType('AWS::SQS::QueuePolicy').some(([, policy]) => {
      const attachedTo = (policy.Properties?.Queues as unknown[] | undefined) ?? [];
      return (
        attachedTo.some((queue) => referencedId(queue) === id) &&
        allowsTopic(policy.Properties?.PolicyDocument, { 'Fn::GetAtt': [id, 'Arn'] }, { Ref: topicId })
      );
    });

  const queues = ofType('AWS::SNS::Subscription')
    .filter(([, subscription]) => referencedId(subscription.Properties?.TopicArn) === topicId)
    .map(([, subscription]): QueueShape => {
      const attributes = subscription.Properties!;
      const queueId = referencedId(attributes.Endpoint)!;
      const queue = properties(queueId);
      const redrive = queue.RedrivePolicy as { deadLetterTargetArn: unknown; maxReceiveCount: unknown };
      const dlqId = referencedId(redrive.deadLetterTargetArn)!;
      return {
        name: queueName(queueId),
        visibilityTimeoutSeconds: Number(queue.VisibilityTimeout),
        messageRetentionSeconds: Number(queue.MessageRetentionPeriod),
        receiveWaitTimeSeconds: Number(queue.ReceiveMessageWaitTimeSeconds),
        policyAllowsTopic: policyAllowsTopic(queueId),
        deadLetterQueue: {
          name: queueName(dlqId),
          maxReceiveCount: Number(redrive.maxReceiveCount),
          messageRetentionSeconds: Number(properties(dlqId).MessageRetentionPeriod),
          policyAllowsTopic: policyAllowsTopic(dlqId),
        },
        subscription: {
          // CloudFormation takes booleans and JSON either as values or as strings.
          rawMessageDelivery: String(attributes.RawMessageDelivery) === 'true',
          filterPolicyScope: String(attributes.FilterPolicyScope),
          filterPolicy: sortedFilterPolicy(parseIfString(attributes.FilterPolicy)),
          redriveTargetQueue: queueName(
            referencedId(
              (parseIfString(attributes.RedrivePolicy) as { deadLetterTargetArn: unknown }).deadLetterTargetArn,
            ),
          ),
        },
      };
    });

  return {
    topic: unprefixed(String(topic.Properties?.TopicName), prefix),
    allQueues: ofType('AWS::SQS::Queue')
      .map(([id]) => queueName(id))
      .sort(),
    queues: sortByName(queues),
  };
}

// ---------------------------------------------------------------------------------------------
// A live SNS/SQS endpoint (fauxqs, LocalStack), read back through the SDK

export async function shapeOfEndpoint(
  { sns, sqs }: { sns: SNSClient; sqs: SQSClient },
  prefix: string,
  topicName: string,
) {
  const topicArn = await findTopicArn(sns, prefix + topicName);
  const nameOfArn = (arn: string) => arn.split(':').pop()!;
  const attributesOf = async (name: string) => {
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: name }));
    const { Attributes = {} } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }));
    return { url: QueueUrl!, attributes: Attributes };
  };
  const policyAllowsTopic = (attributes: Record<string, string>) =>
    attributes.Policy !== undefined && allowsTopic(JSON.parse(attributes.Policy), attributes.QueueArn, topicArn);

  const queues: QueueShape[] = [];
  for (const subscription of await listSubscriptions(sns, topicArn)) {
    if (subscription.Protocol !== 'sqs' || !subscription.Endpoint || !subscription.SubscriptionArn) {
      throw new Error(`unexpected subscription ${JSON.stringify(subscription)}`);
    }
    const { Attributes: subscriptionAttributes = {} } = await sns.send(
      new GetSubscriptionAttributesCommand({ SubscriptionArn: subscription.SubscriptionArn }),
    );
    const { attributes: queue } = await attributesOf(nameOfArn(subscription.Endpoint));
    const redrive = JSON.parse(queue.RedrivePolicy ?? '{}') as {
      deadLetterTargetArn?: string;
      maxReceiveCount?: unknown;
    };
    const { attributes: dlq } = await attributesOf(nameOfArn(redrive.deadLetterTargetArn ?? 'no-redrive-policy'));
    const subscriptionRedrive = JSON.parse(subscriptionAttributes.RedrivePolicy ?? '{}') as {
      deadLetterTargetArn?: string;
    };
    queues.push({
      name: unprefixed(nameOfArn(subscription.Endpoint), prefix),
      visibilityTimeoutSeconds: Number(queue.VisibilityTimeout),
      messageRetentionSeconds: Number(queue.MessageRetentionPeriod),
      receiveWaitTimeSeconds: Number(queue.ReceiveMessageWaitTimeSeconds),
      policyAllowsTopic: policyAllowsTopic(queue),
      deadLetterQueue: {
        name: unprefixed(nameOfArn(dlq.QueueArn!), prefix),
        maxReceiveCount: Number(redrive.maxReceiveCount),
        messageRetentionSeconds: Number(dlq.MessageRetentionPeriod),
        policyAllowsTopic: policyAllowsTopic(dlq),
      },
      subscription: {
        rawMessageDelivery: subscriptionAttributes.RawMessageDelivery === 'true',
        filterPolicyScope: String(subscriptionAttributes.FilterPolicyScope),
        filterPolicy: sortedFilterPolicy(JSON.parse(subscriptionAttributes.FilterPolicy ?? 'null')),
        redriveTargetQueue: unprefixed(nameOfArn(subscriptionRedrive.deadLetterTargetArn ?? ''), prefix),
      },
    });
  }

  const { QueueUrls = [] } = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: prefix, MaxResults: 1000 }));
  return {
    topicArn,
    shape: {
      topic: unprefixed(nameOfArn(topicArn), prefix),
      allQueues: QueueUrls.map((url) => unprefixed(url.split('/').pop()!, prefix)).sort(),
      queues: sortByName(queues),
    } satisfies TopologyShape,
    queueUrls: QueueUrls,
  };
}

async function findTopicArn(sns: SNSClient, name: string) {
  let NextToken: string | undefined;
  do {
    const page = await sns.send(new ListTopicsCommand({ NextToken }));
    const match = page.Topics?.find((topic) => topic.TopicArn?.split(':').pop() === name);
    if (match?.TopicArn) return match.TopicArn;
    NextToken = page.NextToken;
  } while (NextToken);
  throw new Error(`no topic named ${name}`);
}

async function listSubscriptions(sns: SNSClient, TopicArn: string) {
  const subscriptions: Subscription[] = [];
  let NextToken: string | undefined;
  do {
    const page = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn, NextToken }));
    subscriptions.push(...(page.Subscriptions ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  return subscriptions;
}

// ---------------------------------------------------------------------------------------------

/**
 * Whether a policy document lets the topic (`topicArn`) send to the queue (`queueArn`): an Allow
 * for the SNS service principal, sqs:SendMessage on that queue, limited to that topic. ARNs may be
 * strings or CloudFormation intrinsics; they are compared as values.
 */
interface PolicyStatement {
  Effect?: unknown;
  Principal?: { Service?: unknown };
  Action?: unknown;
  Resource?: unknown;
  Condition?: { ArnEquals?: Record<string, unknown>; ArnLike?: Record<string, unknown> };
}

export function allowsTopic(document: unknown, queueArn: unknown, topicArn: unknown): boolean {
  const statements = (document as { Statement?: unknown } | undefined)?.Statement;
  const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : [value]);
  return (list(statements) as Array<PolicyStatement | undefined>).some((statement) => {
    if (!statement || statement.Effect !== 'Allow') return false;
    const condition = statement.Condition?.ArnEquals ?? statement.Condition?.ArnLike;
    return (
      list(statement.Principal?.Service).includes('sns.amazonaws.com') &&
      list(statement.Action).some((action) => action === 'sqs:SendMessage' || action === 'sqs:*') &&
      list(statement.Resource).some((resource) => isDeepStrictEqual(resource, queueArn)) &&
      condition !== undefined &&
      list(condition['aws:SourceArn']).some((source) => isDeepStrictEqual(source, topicArn))
    );
  });
}

function sortedFilterPolicy(policy: unknown): unknown {
  if (!policy || typeof policy !== 'object') return policy;
  return Object.fromEntries(
    Object.entries(policy)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, values]) => [key, Array.isArray(values) ? [...values].sort() : values]),
  );
}

function parseIfString(value: unknown): unknown {
  return typeof value === 'string' ? JSON.parse(value) : value;
}

/** The name without the deployment prefix; a name without it is kept whole so the mismatch shows. */
function unprefixed(name: string, prefix: string) {
  return name.startsWith(prefix) ? name.slice(prefix.length) : `(unprefixed) ${name}`;
}

function sortByName<T extends { name: string }>(items: T[]): T[] {
  return [...items].sort((a, b) => a.name.localeCompare(b.name));
}
