import type { ServiceGet } from './apiReference';
import type { Mailbox } from './mailbox';

/**
 * What the end-to-end scenario needs from a running system, whatever started it: `npm run dev`,
 * the built bundles, the packaged Lambdas, the runtime images or the compose stack. The scenario
 * only talks HTTP to the two services, reads the mails the system sent, and runs the project's own
 * DLQ commands against the target's SNS/SQS endpoint; nothing in it knows how the target started.
 */
export interface RunningTarget {
  /** Base URL of the auth-service, e.g. http://127.0.0.1:13101 */
  authUrl: string;
  /** Base URL of the user-service. */
  userUrl: string;
  /** The bootstrap admin the target was started with (AUTH_BOOTSTRAP_ADMIN_EMAIL / _PASSWORD). */
  admin: { email: string; password: string };
  /** Where the mails the user-service sent can be read. */
  mailbox: Mailbox;
  /**
   * Environment for `npm run dlq` / `npm run dlq:redrive` (AWS_ENDPOINT_URL, TOPOLOGY_PREFIX, region,
   * credentials) so they reach this target's queues, and for the scenario's own SQS client.
   */
  queueEnv: Record<string, string>;
  /**
   * How to GET what is not on the target's public routes (the API references at /docs: API Gateway
   * routes only the APIs); unset: over HTTP from authUrl and userUrl.
   */
  unroutedGet?: ServiceGet;
  /** Checks only this target has (hot reload, non-root user, HEALTHCHECK...), run after the scenario. */
  extraChecks?: Array<{ name: string; run: () => Promise<void> }>;
  /** Stops everything the target started and checks it stopped cleanly (throws if not). */
  stop(): Promise<void>;
}

export interface TargetContext {
  /** Unique per run: names databases, topology prefixes, Redis keys. */
  runId: string;
  /** Progress line, printed at once ("[e2e:dev] ..."). */
  log(message: string): void;
  /** Folder for this run's logs (process output), kept after the run for diagnosis. */
  logDir: string;
}

export interface Target {
  name: string;
  /** One line for `--help`. */
  description: string;
  start(context: TargetContext): Promise<RunningTarget>;
}
