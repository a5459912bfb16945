import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { AwsClients } from '../aws/clients';
import { topology } from './definition';

/**
 * The ARN of the topic as deployed under `prefix`, built from the caller's account and region.
 * Works the same on AWS, LocalStack and fauxqs, and needs no permission beyond sts:GetCallerIdentity.
 */
export async function resolveTopicArn({ sts, region }: Pick<AwsClients, 'sts' | 'region'>, prefix: string) {
  const { Account } = await sts.send(new GetCallerIdentityCommand({}));
  if (!Account) throw new Error('STS GetCallerIdentity returned no account');
  return `arn:aws:sns:${region}:${Account}:${prefix}${topology.topic.name}`;
}
