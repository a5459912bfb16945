import { eventTypesRoutedTo, type RoutedQueueName, type UserEventType } from '../events/catalogue';

/**
 * The SNS/SQS topology, defined once. Three renderers read it: the emulator provisioner
 * (`npm run infra:provision`), the LocalStack init hook and the Resources of serverless.yml.
 * Names here are logical; every deployment prefixes them (e.g. `prod-user-events`).
 */
export interface QueueDefinition {
  /** Logical id used in CloudFormation and code, PascalCase. */
  logicalId: string;
  name: string;
  visibilityTimeoutSeconds: number;
  messageRetentionSeconds: number;
  receiveWaitTimeSeconds: number;
  deadLetterQueue: {
    logicalId: string;
    name: string;
    /** Receives after which SQS moves a message to the DLQ. */
    maxReceiveCount: number;
    messageRetentionSeconds: number;
  };
  /** The SNS→SQS subscription: raw delivery, filtered on the `type` message attribute. */
  subscription: {
    eventTypes: readonly UserEventType[];
  };
}

export interface TopologyDefinition {
  topic: { logicalId: string; name: string };
  queues: readonly QueueDefinition[];
}

const FOURTEEN_DAYS = 14 * 24 * 60 * 60;
const FOUR_DAYS = 4 * 24 * 60 * 60;

export const topology = {
  topic: { logicalId: 'UserEventsTopic', name: 'user-events' },
  queues: [
    {
      logicalId: 'UserProfileEventsQueue',
      name: 'user-profile-events',
      // Six times the Lambda timeout of the consumer, as AWS recommends for SQS event sources.
      visibilityTimeoutSeconds: 180,
      messageRetentionSeconds: FOUR_DAYS,
      receiveWaitTimeSeconds: 20,
      deadLetterQueue: {
        logicalId: 'UserProfileEventsDeadLetterQueue',
        name: 'user-profile-events-dlq',
        maxReceiveCount: 5,
        messageRetentionSeconds: FOURTEEN_DAYS,
      },
      // Which event types: the catalogue's `queues` (shared/src/events/catalogue.ts).
      subscription: { eventTypes: eventTypesRoutedTo('user-profile-events') },
    },
    {
      logicalId: 'UserNotificationsQueue',
      name: 'user-notifications',
      visibilityTimeoutSeconds: 180,
      messageRetentionSeconds: FOUR_DAYS,
      receiveWaitTimeSeconds: 20,
      deadLetterQueue: {
        logicalId: 'UserNotificationsDeadLetterQueue',
        name: 'user-notifications-dlq',
        maxReceiveCount: 5,
        messageRetentionSeconds: FOURTEEN_DAYS,
      },
      subscription: { eventTypes: eventTypesRoutedTo('user-notifications') },
    },
  ],
} as const satisfies TopologyDefinition;

export type QueueName = (typeof topology.queues)[number]['name'];

// Compile-time agreement with the catalogue: every queue an event is routed to exists here, and
// every queue here receives at least one event type.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const catalogueRoutesToTheseQueues: Same<RoutedQueueName, QueueName> = true;
void catalogueRoutesToTheseQueues;

/** The SNS filter policy of a subscription: match the `type` attribute against its event types. */
export function filterPolicyOf(queue: QueueDefinition): { type: string[] } {
  return { type: [...queue.subscription.eventTypes] };
}

export function queueDefinition(name: QueueName, definition: TopologyDefinition = topology): QueueDefinition {
  const queue = definition.queues.find((candidate) => candidate.name === name);
  if (!queue) throw new Error(`no queue named ${name} in the topology`);
  return queue;
}
