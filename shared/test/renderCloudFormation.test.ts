import { filterPolicyOf, topology } from '../src/topology/definition';
import { allowTopicToSendPolicy } from '../src/topology/policies';
import {
  KMS_KEY_LOGICAL_ID,
  renderCloudFormationResources,
  replaceStrings,
  type CloudFormationResource,
} from '../src/topology/renderCloudFormation';

const getAtt = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });
const ref = (id: string) => ({ Ref: id });

function resourcesOfType(resources: Record<string, CloudFormationResource>, type: string) {
  return Object.entries(resources).filter(([, resource]) => resource.Type === type);
}

/** Every logical id a value refers to through Ref, Fn::GetAtt or DependsOn (pseudo parameters excluded). */
function referencedIds(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(referencedIds);
  if (!value || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, inner]) => {
    if (key === 'Ref' && typeof inner === 'string') return inner.startsWith('AWS::') ? [] : [inner];
    if (key === 'Fn::GetAtt' && Array.isArray(inner)) return [String(inner[0])];
    if (key === 'DependsOn') return Array.isArray(inner) ? inner.map(String) : [String(inner)];
    return referencedIds(inner);
  });
}

describe('renderCloudFormationResources', () => {
  const staging = renderCloudFormationResources({ stage: 'staging', encrypt: false });
  const production = renderCloudFormationResources({ stage: 'prod', encrypt: true });

  it('is deterministic and plain JSON', () => {
    expect(renderCloudFormationResources({ stage: 'staging', encrypt: false })).toEqual(staging);
    expect(JSON.parse(JSON.stringify(production))).toEqual(production);
  });

  it('names the topic and every queue with the stage prefix', () => {
    expect(staging.Resources[topology.topic.logicalId]).toEqual({
      Type: 'AWS::SNS::Topic',
      Properties: { TopicName: 'staging-user-events' },
    });
    const names = resourcesOfType(staging.Resources, 'AWS::SQS::Queue').map(([, queue]) => queue.Properties.QueueName);
    expect(names.sort()).toEqual(
      topology.queues.flatMap((queue) => [`staging-${queue.name}`, `staging-${queue.deadLetterQueue.name}`]).sort(),
    );
  });

  describe.each(topology.queues.map((queue) => [queue.name, queue] as const))('queue %s', (_name, queue) => {
    const dlq = queue.deadLetterQueue;

    it('has the timeouts of the definition and redrives to its DLQ', () => {
      expect(staging.Resources[queue.logicalId]).toEqual({
        Type: 'AWS::SQS::Queue',
        Properties: {
          QueueName: `staging-${queue.name}`,
          VisibilityTimeout: queue.visibilityTimeoutSeconds,
          MessageRetentionPeriod: queue.messageRetentionSeconds,
          ReceiveMessageWaitTimeSeconds: queue.receiveWaitTimeSeconds,
          RedrivePolicy: { deadLetterTargetArn: getAtt(dlq.logicalId), maxReceiveCount: dlq.maxReceiveCount },
          SqsManagedSseEnabled: true,
        },
      });
      expect(staging.Resources[dlq.logicalId]).toEqual({
        Type: 'AWS::SQS::Queue',
        Properties: {
          QueueName: `staging-${dlq.name}`,
          MessageRetentionPeriod: dlq.messageRetentionSeconds,
          SqsManagedSseEnabled: true,
        },
      });
    });

    it.each([
      ['main queue', queue.logicalId],
      ['DLQ', dlq.logicalId],
    ])('lets the topic send to the %s with the statement of policies.ts', (_kind, logicalId) => {
      const expected = replaceStrings(allowTopicToSendPolicy('queue', 'topic'), {
        queue: getAtt(logicalId),
        topic: ref(topology.topic.logicalId),
      });
      expect(staging.Resources[`${logicalId}Policy`]).toEqual({
        Type: 'AWS::SQS::QueuePolicy',
        Properties: { Queues: [ref(logicalId)], PolicyDocument: expected },
      });
    });

    it('is subscribed raw, filtered on the type attribute, with subscription redrive to the DLQ', () => {
      expect(staging.Resources[`${queue.logicalId}Subscription`]).toEqual({
        Type: 'AWS::SNS::Subscription',
        DependsOn: [`${queue.logicalId}Policy`, `${dlq.logicalId}Policy`],
        Properties: {
          TopicArn: ref(topology.topic.logicalId),
          Protocol: 'sqs',
          Endpoint: getAtt(queue.logicalId),
          RawMessageDelivery: true,
          FilterPolicyScope: 'MessageAttributes',
          FilterPolicy: filterPolicyOf(queue),
          RedrivePolicy: { deadLetterTargetArn: getAtt(dlq.logicalId) },
        },
      });
    });
  });

  it('without encryption has no KMS key and uses SQS-managed SSE on every queue', () => {
    expect(resourcesOfType(staging.Resources, 'AWS::KMS::Key')).toHaveLength(0);
    expect(JSON.stringify(staging)).not.toContain('KmsMasterKeyId');
    for (const [, queue] of resourcesOfType(staging.Resources, 'AWS::SQS::Queue')) {
      expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
    }
  });

  describe('with encryption', () => {
    const key = production.Resources[KMS_KEY_LOGICAL_ID]!;
    const keyArn = getAtt(KMS_KEY_LOGICAL_ID);

    it('creates a rotating customer-managed key with an alias', () => {
      expect(key.Type).toBe('AWS::KMS::Key');
      expect(key.Properties.EnableKeyRotation).toBe(true);
      expect(resourcesOfType(production.Resources, 'AWS::KMS::Alias')).toEqual([
        [
          expect.any(String),
          {
            Type: 'AWS::KMS::Alias',
            Properties: { AliasName: 'alias/prod-user-events', TargetKeyId: ref(KMS_KEY_LOGICAL_ID) },
          },
        ],
      ]);
    });

    it('lets the account administer the key and SNS use it for this topic', () => {
      const statements = (key.Properties.KeyPolicy as { Statement: Array<Record<string, unknown>> }).Statement;
      expect(statements).toContainEqual(
        expect.objectContaining({
          Effect: 'Allow',
          Principal: { AWS: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:root' } },
          Action: 'kms:*',
        }),
      );
      expect(statements).toContainEqual(
        expect.objectContaining({
          Effect: 'Allow',
          Principal: { Service: 'sns.amazonaws.com' },
          Action: ['kms:GenerateDataKey*', 'kms:Decrypt'],
          Condition: {
            ArnEquals: {
              'aws:SourceArn': {
                'Fn::Sub': 'arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:prod-user-events',
              },
            },
          },
        }),
      );
    });

    it('encrypts the topic and every queue with it, instead of SQS-managed SSE', () => {
      expect(production.Resources[topology.topic.logicalId]!.Properties.KmsMasterKeyId).toEqual(keyArn);
      const queues = resourcesOfType(production.Resources, 'AWS::SQS::Queue');
      expect(queues).toHaveLength(topology.queues.length * 2);
      for (const [, queue] of queues) {
        expect(queue.Properties.KmsMasterKeyId).toEqual(keyArn);
        expect(queue.Properties).not.toHaveProperty('SqsManagedSseEnabled');
      }
    });

    it('exports the key ARN for the IAM roles of publishers and consumers', () => {
      expect(production.Outputs.UserEventsKmsKeyArn).toEqual({
        Description: expect.any(String),
        Value: keyArn,
        Export: { Name: 'prod-UserEventsKmsKeyArn' },
      });
    });
  });

  it.each([
    ['staging', staging],
    ['production', production],
  ])('%s: every reference resolves and the dependency graph has no cycle', (_stage, rendered) => {
    const graph = new Map(Object.entries(rendered.Resources).map(([id, resource]) => [id, referencedIds(resource)]));
    const dangling = [
      ...[...graph].flatMap(([id, references]) => references.map((target) => `${id} → ${target}`)),
      ...Object.entries(rendered.Outputs).flatMap(([id, output]) =>
        referencedIds(output.Value).map((target) => `${id} → ${target}`),
      ),
    ].filter((edge) => !graph.has(edge.split(' → ')[1]!));
    expect(dangling).toEqual([]);
    const visiting = new Set<string>();
    const done = new Set<string>();
    const visit = (id: string, path: string[]) => {
      if (done.has(id)) return;
      if (visiting.has(id)) throw new Error(`dependency cycle: ${[...path, id].join(' → ')}`);
      visiting.add(id);
      for (const target of graph.get(id) ?? []) visit(target, [...path, id]);
      visiting.delete(id);
      done.add(id);
    };
    for (const id of graph.keys()) visit(id, []);
  });

  it('exports the topic ARN and the URL and ARN of every queue under stage-prefixed names', () => {
    const expectedOutputs = {
      UserEventsTopicArn: ref(topology.topic.logicalId),
      ...Object.fromEntries(
        topology.queues.flatMap((queue) =>
          [queue.logicalId, queue.deadLetterQueue.logicalId].flatMap((id) => [
            [`${id}Url`, ref(id)],
            [`${id}Arn`, getAtt(id)],
          ]),
        ),
      ),
    };
    expect(Object.fromEntries(Object.entries(staging.Outputs).map(([id, output]) => [id, output.Value]))).toEqual(
      expectedOutputs,
    );
    for (const [id, output] of Object.entries(staging.Outputs)) expect(output.Export.Name).toBe(`staging-${id}`);
  });
});

describe('replaceStrings', () => {
  it('replaces whole strings deeply and leaves everything else alone', () => {
    expect(replaceStrings({ a: ['x', 'y', { b: 'x', c: 1, d: null }], x: 'xx' }, { x: { Ref: 'X' } })).toEqual({
      a: [{ Ref: 'X' }, 'y', { b: { Ref: 'X' }, c: 1, d: null }],
      x: 'xx',
    });
  });
});
