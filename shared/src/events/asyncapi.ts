import { z } from 'zod';
import { userEvents, userEventTypes, type UserEventType } from './catalogue';
import { EVENT_TYPE_ATTRIBUTE, userEventSchemas } from './envelope';

/**
 * The AsyncAPI 3 document of the user events, generated from the catalogue and the envelope
 * schemas that producers are held to, so it cannot drift from what is published: the SNS topic as
 * a channel with one message per event type, the auth-service's send operation, and a receive
 * operation per queue with the types the catalogue routes to it. Served by the auth-service at
 * /docs/asyncapi.json.
 */
export function renderAsyncApi(options: { version: string; topicName?: string }) {
  const messageKey = (type: UserEventType) => type.replaceAll('.', '_');
  const messages = Object.fromEntries(
    userEventTypes.map((type) => [
      messageKey(type),
      {
        name: type,
        title: type,
        summary: userEvents[type].description,
        contentType: 'application/json',
        headers: {
          type: 'object',
          description: 'SNS/SQS message attributes; subscriptions filter on `type`',
          properties: {
            [EVENT_TYPE_ATTRIBUTE]: { type: 'string', const: type },
            correlationId: { type: 'string' },
          },
          required: [EVENT_TYPE_ATTRIBUTE],
        },
        payload: {
          schemaFormat: 'application/schema+json;version=draft-07',
          schema: z.toJSONSchema(userEventSchemas[type], { target: 'draft-7', io: 'input' }),
        },
        'x-schema-version': userEvents[type].schemaVersion,
      },
    ]),
  );
  const queues = [...new Set(userEventTypes.flatMap((type) => userEvents[type].queues))];
  const refsTo = (types: readonly UserEventType[]) =>
    types.map((type) => ({ $ref: `#/channels/userEvents/messages/${messageKey(type)}` }));

  return {
    asyncapi: '3.0.0',
    info: {
      title: 'user-platform events',
      version: options.version,
      description:
        'User lifecycle events published by the auth-service through a transactional outbox to one SNS topic, ' +
        'and delivered to SQS queues filtered on the `type` attribute. At-least-once, in order per user at ' +
        'publication; consumers apply each event once (inbox) and converge by userVersion. Additive changes bump ' +
        'schemaVersion and consumers ignore fields they do not know; a breaking change is a new event type.',
    },
    defaultContentType: 'application/json',
    channels: {
      userEvents: {
        address: options.topicName ?? 'user-events',
        title: 'The user-events SNS topic',
        messages,
      },
    },
    operations: {
      publishUserEvents: {
        action: 'send',
        title: 'auth-service publishes user events',
        channel: { $ref: '#/channels/userEvents' },
        messages: refsTo(userEventTypes),
      },
      ...Object.fromEntries(
        queues.map((queue) => [
          `receive_${queue.replaceAll('-', '_')}`,
          {
            action: 'receive',
            title: `user-service consumes the SQS queue ${queue}`,
            channel: { $ref: '#/channels/userEvents' },
            messages: refsTo(
              userEventTypes.filter((type) => (userEvents[type].queues as readonly string[]).includes(queue)),
            ),
          },
        ]),
      ),
    },
  };
}
