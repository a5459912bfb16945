/**
 * `npm run infra:provision`: creates or updates the SNS/SQS topology on the endpoint that
 * AWS_ENDPOINT_URL (or LOCALSTACK_ENDPOINT) names. Safe to run twice. Real AWS is deployed by
 * serverless.yml; running this against AWS needs `--allow-aws` on purpose.
 */
import { createAwsClients, resolveAwsEndpoint } from '@platform/shared/aws';
import { provisionTopology } from '@platform/shared/topology/render';

async function main() {
  const endpoint = resolveAwsEndpoint();
  const allowAws = process.argv.includes('--allow-aws');
  if (!endpoint && !allowAws) {
    console.error(
      'infra:provision: AWS_ENDPOINT_URL is not set, so this would change real AWS.\n' +
        '  For LocalStack or fauxqs: AWS_ENDPOINT_URL=http://localhost:4566 npm run infra:provision\n' +
        '  For AWS, deploy with serverless (npx serverless deploy --stage prod), or pass --allow-aws.',
    );
    process.exit(2);
  }
  process.env.AWS_ACCESS_KEY_ID ??= 'test';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
  const prefix = process.env.TOPOLOGY_PREFIX ?? '';
  const clients = createAwsClients({ endpoint });
  console.log(
    `Provisioning the topology on ${endpoint ?? `AWS ${clients.region}`}${prefix ? ` with prefix "${prefix}"` : ''}`,
  );
  const result = await provisionTopology({
    ...clients,
    prefix,
    onStep: (step) =>
      console.log(
        `  ${step.action.padEnd(9)} ${step.kind.padEnd(12)} ${step.name}${step.changed ? ` (${step.changed.join(', ')})` : ''}`,
      ),
  });
  const changed = result.steps.filter((step) => step.action !== 'unchanged').length;
  console.log(
    changed === 0 ? 'Nothing to change: the endpoint matches the topology.' : `${changed} change(s) applied.`,
  );
  console.log(`  topic ${result.topicArn}`);
  for (const queue of Object.values(result.queues))
    console.log(`  queue ${queue.url} (DLQ ${queue.deadLetterQueue.url})`);
  clients.destroy();
}

main().catch((error: unknown) => {
  console.error('infra:provision failed:', error instanceof Error ? error.message : error);
  process.exit(1);
});
