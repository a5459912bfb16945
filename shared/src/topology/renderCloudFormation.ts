import {
  filterPolicyOf,
  topology as defaultTopology,
  type QueueDefinition,
  type TopologyDefinition,
} from './definition';
import { allowTopicToSendPolicy } from './policies';

/**
 * Renders the topology as the `resources` of serverless.yml (CloudFormation), the third rendering
 * next to the emulator provisioner and the LocalStack hook. Pure: no AWS calls, no file access.
 */

export type Intrinsic = { Ref: string } | { 'Fn::GetAtt': [string, string] } | { 'Fn::Sub': string };

export interface CloudFormationResource {
  Type: string;
  Properties: Record<string, unknown>;
  DependsOn?: string[];
}

export interface CloudFormationOutput {
  Description: string;
  Value: Intrinsic;
  Export: { Name: string };
}

export interface CloudFormationResources {
  Resources: Record<string, CloudFormationResource>;
  Outputs: Record<string, CloudFormationOutput>;
}

export interface RenderCloudFormationOptions {
  stage: string;
  /** Customer-managed KMS key on the topic and every queue (production); SQS-managed SSE otherwise. */
  encrypt: boolean;
  definition?: TopologyDefinition;
}

export const KMS_KEY_LOGICAL_ID = 'UserEventsKmsKey';
export const KMS_ALIAS_LOGICAL_ID = 'UserEventsKmsKeyAlias';

const ref = (logicalId: string): Intrinsic => ({ Ref: logicalId });
const arnOf = (logicalId: string): Intrinsic => ({ 'Fn::GetAtt': [logicalId, 'Arn'] });

/** Same convention as the provisioner and the hook: every name is `prefix + name`. */
export function stagePrefix(stage: string): string {
  return `${stage}-`;
}

export function renderCloudFormationResources({
  stage,
  encrypt,
  definition = defaultTopology,
}: RenderCloudFormationOptions): CloudFormationResources {
  const prefix = stagePrefix(stage);
  const topicId = definition.topic.logicalId;
  const topicName = prefix + definition.topic.name;
  const Resources: Record<string, CloudFormationResource> = {};
  const Outputs: Record<string, CloudFormationOutput> = {};
  const output = (id: string, Description: string, Value: Intrinsic) => {
    Outputs[id] = { Description, Value, Export: { Name: `${prefix}${id}` } };
  };

  // Queues get either the customer key or SQS-managed SSE; the topic is encrypted only with the key.
  const queueEncryption = (): Record<string, unknown> =>
    encrypt ? { KmsMasterKeyId: arnOf(KMS_KEY_LOGICAL_ID) } : { SqsManagedSseEnabled: true };

  if (encrypt) {
    Resources[KMS_KEY_LOGICAL_ID] = {
      Type: 'AWS::KMS::Key',
      Properties: {
        Description: `Encrypts the ${topicName} topic and its queues`,
        EnableKeyRotation: true,
        KeyPolicy: keyPolicy(topicName),
      },
    };
    Resources[KMS_ALIAS_LOGICAL_ID] = {
      Type: 'AWS::KMS::Alias',
      Properties: { AliasName: `alias/${topicName}`, TargetKeyId: ref(KMS_KEY_LOGICAL_ID) },
    };
    // Publishers and consumers need kms:GenerateDataKey*/kms:Decrypt on it in their IAM roles.
    output('UserEventsKmsKeyArn', 'ARN of the KMS key of the user events topic and queues', arnOf(KMS_KEY_LOGICAL_ID));
  }

  Resources[topicId] = {
    Type: 'AWS::SNS::Topic',
    Properties: {
      TopicName: topicName,
      ...(encrypt ? { KmsMasterKeyId: arnOf(KMS_KEY_LOGICAL_ID) } : {}),
    },
  };
  output(`${topicId}Arn`, `ARN of the ${topicName} topic`, ref(topicId));

  for (const queue of definition.queues) {
    const dlq = queue.deadLetterQueue;
    Resources[dlq.logicalId] = {
      Type: 'AWS::SQS::Queue',
      Properties: {
        QueueName: prefix + dlq.name,
        MessageRetentionPeriod: dlq.messageRetentionSeconds,
        ...queueEncryption(),
      },
    };
    Resources[queue.logicalId] = {
      Type: 'AWS::SQS::Queue',
      Properties: {
        QueueName: prefix + queue.name,
        VisibilityTimeout: queue.visibilityTimeoutSeconds,
        MessageRetentionPeriod: queue.messageRetentionSeconds,
        ReceiveMessageWaitTimeSeconds: queue.receiveWaitTimeSeconds,
        RedrivePolicy: { deadLetterTargetArn: arnOf(dlq.logicalId), maxReceiveCount: dlq.maxReceiveCount },
        ...queueEncryption(),
      },
    };
    // The DLQ needs the policy too: SNS itself sends undeliverable fan-out there (subscription redrive).
    for (const logicalId of [queue.logicalId, dlq.logicalId]) {
      Resources[`${logicalId}Policy`] = {
        Type: 'AWS::SQS::QueuePolicy',
        Properties: {
          Queues: [ref(logicalId)],
          PolicyDocument: topicMaySendTo(logicalId, topicId),
        },
      };
    }
    Resources[subscriptionLogicalId(queue)] = {
      Type: 'AWS::SNS::Subscription',
      // Without the policies in place SNS could deliver before it is allowed to, and drop messages.
      DependsOn: [`${queue.logicalId}Policy`, `${dlq.logicalId}Policy`],
      Properties: {
        TopicArn: ref(topicId),
        Protocol: 'sqs',
        Endpoint: arnOf(queue.logicalId),
        RawMessageDelivery: true,
        FilterPolicyScope: 'MessageAttributes',
        FilterPolicy: filterPolicyOf(queue),
        RedrivePolicy: { deadLetterTargetArn: arnOf(dlq.logicalId) },
      },
    };

    output(`${queue.logicalId}Url`, `URL of the ${prefix + queue.name} queue`, ref(queue.logicalId));
    output(`${queue.logicalId}Arn`, `ARN of the ${prefix + queue.name} queue`, arnOf(queue.logicalId));
    output(`${dlq.logicalId}Url`, `URL of the ${prefix + dlq.name} queue`, ref(dlq.logicalId));
    output(`${dlq.logicalId}Arn`, `ARN of the ${prefix + dlq.name} queue`, arnOf(dlq.logicalId));
  }
  return { Resources, Outputs };
}

export function subscriptionLogicalId(queue: Pick<QueueDefinition, 'logicalId'>): string {
  return `${queue.logicalId}Subscription`;
}

/**
 * `allowTopicToSendPolicy` takes ARN strings; CloudFormation needs intrinsics there. Render it with
 * placeholder strings and swap them, so the statement stays defined in exactly one place.
 */
function topicMaySendTo(queueLogicalId: string, topicLogicalId: string) {
  const queueArn = '\u0000queueArn';
  const topicArn = '\u0000topicArn';
  return replaceStrings(allowTopicToSendPolicy(queueArn, topicArn), {
    [queueArn]: arnOf(queueLogicalId),
    [topicArn]: ref(topicLogicalId),
  });
}

/** Deep copy of `value` in which every string equal to a key of `replacements` is replaced. */
export function replaceStrings(value: unknown, replacements: Record<string, unknown>): unknown {
  if (typeof value === 'string') return Object.hasOwn(replacements, value) ? replacements[value] : value;
  if (Array.isArray(value)) return value.map((item) => replaceStrings(item, replacements));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, replaceStrings(inner, replacements)]));
  }
  return value;
}

/**
 * The account administers the key (and may grant it through IAM, which publishers and consumers
 * need); SNS may use it to write to the encrypted queues, but only on behalf of this topic. The
 * topic ARN is built with Fn::Sub rather than Ref, because the topic itself depends on the key.
 */
function keyPolicy(topicName: string) {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'AllowAccountToAdministerTheKey',
        Effect: 'Allow',
        Principal: { AWS: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:root' } },
        Action: 'kms:*',
        Resource: '*',
      },
      {
        Sid: 'AllowUserEventsTopicToUseTheKey',
        Effect: 'Allow',
        Principal: { Service: 'sns.amazonaws.com' },
        Action: ['kms:GenerateDataKey*', 'kms:Decrypt'],
        Resource: '*',
        Condition: {
          ArnEquals: {
            'aws:SourceArn': {
              'Fn::Sub': `arn:\${AWS::Partition}:sns:\${AWS::Region}:\${AWS::AccountId}:${topicName}`,
            },
          },
        },
      },
    ],
  };
}
