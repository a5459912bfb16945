/**
 * The queue policy that lets the topic deliver to a queue (the main queue for fan-out, the DLQ
 * for the subscription's redrive). Rendered identically by the provisioner and CloudFormation.
 */
export function allowTopicToSendPolicy(queueArn: string, topicArn: string) {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'AllowUserEventsTopic',
        Effect: 'Allow',
        Principal: { Service: 'sns.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: queueArn,
        Condition: { ArnEquals: { 'aws:SourceArn': topicArn } },
      },
    ],
  };
}
