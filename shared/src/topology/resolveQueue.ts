import { GetQueueAttributesCommand, GetQueueUrlCommand } from '@aws-sdk/client-sqs';
import type { AwsClients } from '../aws/clients';
import { topology, type QueueName } from './definition';

export interface ResolvedQueue {
  url: string;
  arn: string;
  deadLetterQueueUrl: string;
}

/** The URL and ARN of a queue (and its DLQ's URL) as deployed under `prefix`. */
export async function resolveQueue({ sqs }: Pick<AwsClients, 'sqs'>, prefix: string, name: QueueName) {
  const definition = topology.queues.find((queue) => queue.name === name)!;
  const [{ QueueUrl: url }, { QueueUrl: deadLetterQueueUrl }] = await Promise.all([
    sqs.send(new GetQueueUrlCommand({ QueueName: prefix + definition.name })),
    sqs.send(new GetQueueUrlCommand({ QueueName: prefix + definition.deadLetterQueue.name })),
  ]);
  if (!url || !deadLetterQueueUrl) throw new Error(`queue ${prefix}${name} or its DLQ does not exist`);
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
  return { url, arn: Attributes?.QueueArn ?? '', deadLetterQueueUrl } satisfies ResolvedQueue;
}
