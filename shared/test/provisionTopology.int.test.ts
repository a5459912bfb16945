import { SetQueueAttributesCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { createAwsClients } from '../src/aws';
import { provisionTopology } from '../src/topology/render';
import { topology } from '../src/topology';
import { provisionIsolatedTopology } from '../src/testing';

const clients = createAwsClients();
let provisioned: Awaited<ReturnType<typeof provisionIsolatedTopology>>;

beforeAll(async () => {
  provisioned = await provisionIsolatedTopology(clients);
});
afterAll(async () => {
  await provisioned?.destroy();
  clients.destroy();
});

describe('provisionTopology (npm run infra:provision)', () => {
  it('created every resource on the first run', () => {
    expect(provisioned.steps.map((step) => step.action)).toEqual(provisioned.steps.map(() => 'created'));
    expect(provisioned.steps).toHaveLength(1 + topology.queues.length * 3);
  });

  it('changes nothing when run a second time', async () => {
    const again = await provisionTopology({ ...clients, prefix: provisioned.prefix });
    expect(again.steps.filter((step) => step.action !== 'unchanged')).toEqual([]);
    expect(again.topicArn).toBe(provisioned.topicArn);
  });

  it('puts back an attribute changed by hand, and only that one', async () => {
    const queue = provisioned.queues['user-profile-events']!;
    await clients.sqs.send(
      new SetQueueAttributesCommand({ QueueUrl: queue.url, Attributes: { VisibilityTimeout: '7' } }),
    );

    const repaired = await provisionTopology({ ...clients, prefix: provisioned.prefix });

    expect(repaired.steps.filter((step) => step.action !== 'unchanged')).toEqual([
      { kind: 'queue', name: queue.name, action: 'updated', changed: ['VisibilityTimeout'] },
    ]);
    const { Attributes } = await clients.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queue.url, AttributeNames: ['VisibilityTimeout'] }),
    );
    expect(Attributes?.VisibilityTimeout).toBe(String(topology.queues[0].visibilityTimeoutSeconds));
  });
});
