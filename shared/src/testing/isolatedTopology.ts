import { randomBytes } from 'node:crypto';
import { DeleteTopicCommand } from '@aws-sdk/client-sns';
import { DeleteQueueCommand } from '@aws-sdk/client-sqs';
import type { AwsClients } from '../aws/clients';
import { provisionTopology, type ProvisionResult } from '../topology/provisionTopology';

/**
 * Provisions the whole topology under a unique prefix, so a test owns its topic and queues.
 * @example const topology = await provisionIsolatedTopology(clients); ... await topology.destroy();
 */
export async function provisionIsolatedTopology(clients: Pick<AwsClients, 'sns' | 'sqs'>, prefix = isolatedPrefix()) {
  const result: ProvisionResult = await provisionTopology({ ...clients, prefix });
  return {
    ...result,
    prefix,
    async destroy() {
      const urls = Object.values(result.queues).flatMap((queue) => [queue.url, queue.deadLetterQueue.url]);
      await clients.sns.send(new DeleteTopicCommand({ TopicArn: result.topicArn }));
      await Promise.all(urls.map((QueueUrl) => clients.sqs.send(new DeleteQueueCommand({ QueueUrl }))));
    },
  };
}

/** A topology prefix no other test uses. */
export function isolatedPrefix(): string {
  return `t${randomBytes(4).toString('hex')}-`;
}
