import type { PublishCommandInput } from '@aws-sdk/client-sns';
import { EVENT_TYPE_ATTRIBUTE, type UserEvent } from './envelope';

/** The SNS Publish input for an event: JSON body plus the `type` attribute that filter policies match. */
export function toSnsPublishInput(topicArn: string, event: UserEvent): PublishCommandInput {
  return {
    TopicArn: topicArn,
    Message: JSON.stringify(event),
    MessageAttributes: {
      [EVENT_TYPE_ATTRIBUTE]: { DataType: 'String', StringValue: event.type },
      correlationId: { DataType: 'String', StringValue: event.correlationId },
    },
  };
}
