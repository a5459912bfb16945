import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { createAwsClients } from '@platform/shared/aws';
import { awaitMessage, provisionIsolatedTopology } from '@platform/shared/testing';
import { freshAuthDatabase } from '../test/freshDatabase';
import { randomIp, uniqueEmail } from '../test/testApp';
import { createPool, createPrisma } from './infrastructure/database';
import * as handlers from './lambda';

/**
 * The Lambda handlers build the app from the environment on first use, as on AWS: here a database and a
 * topology of their own (the relay publishes every pending row).
 */
const aws = createAwsClients();
let topology: Awaited<ReturnType<typeof provisionIsolatedTopology>>;
let database: Awaited<ReturnType<typeof freshAuthDatabase>>;
beforeAll(async () => {
  topology = await provisionIsolatedTopology(aws);
  database = await freshAuthDatabase('auth_lambda_test');
  Object.assign(process.env, {
    NODE_ENV: 'test',
    AUTH_DATABASE_URL: database.url,
    TOPOLOGY_PREFIX: topology.prefix,
    ARGON2_MEMORY_KIB: '1024',
    ARGON2_TIME_COST: '1',
  });
});
afterAll(async () => {
  await handlers.closeApp();
  await topology?.destroy();
  await database?.drop();
  aws.destroy();
});

const context = { getRemainingTimeInMillis: () => 60_000 } as unknown as Context;

/** A POST as API Gateway (httpApi, payload 2.0) hands it to the function. */
const post = (path: string, body: unknown) =>
  ({
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers: { 'content-type': 'application/json', 'user-agent': 'jest' },
    requestContext: {
      http: { method: 'POST', path, sourceIp: randomIp(), protocol: 'HTTP/1.1', userAgent: 'jest' },
    },
    body: JSON.stringify(body),
    isBase64Encoded: false,
  }) as unknown as APIGatewayProxyEventV2;

describe('Lambda handlers', () => {
  it('serve the HTTP API from API Gateway events, and the scheduled relay publishes its events', async () => {
    const event = post('/auth/register', { email: uniqueEmail('lambda'), password: 'violet-harbour-lantern-42' });
    const response = (await handlers.http(event, context)) as { statusCode: number; body: string };
    expect(response.statusCode).toBe(201);
    const userId = JSON.parse(response.body).user.id as string;

    expect(await handlers.relay({}, context)).toEqual({ published: 2, failed: 0 });
    const message = await awaitMessage({
      sqs: aws.sqs,
      queueUrl: topology.queues['user-profile-events']!.url,
      matches: (m) => m.Body?.includes(userId) ?? false,
    });
    expect(message.MessageAttributes?.type?.StringValue).toBe('user.created');
  }, 20_000); // the first request builds the whole app (keys, pools, bootstrap) inside the test

  it('finish the work a route does after answering before the invocation ends (a frozen Lambda would drop it)', async () => {
    const email = uniqueEmail('lambda-forgot');
    const registered = await handlers.http(
      post('/auth/register', { email, password: 'violet-harbour-lantern-42' }),
      context,
    );
    const userId = JSON.parse((registered as { body: string }).body).user.id as string;
    // Connected beforehand, so that the count below runs the moment the handler has returned.
    const pool = createPool({ AUTH_DATABASE_URL: database.url, NODE_ENV: 'test' });
    const prisma = createPrisma(pool, { NODE_ENV: 'test' });
    try {
      await prisma.$queryRaw`SELECT 1`;
      const forgot = (await handlers.http(post('/auth/password/forgot', { email }), context)) as { statusCode: number };
      expect(forgot.statusCode).toBe(202);
      expect(await prisma.passwordResetToken.count({ where: { userId } })).toBe(1);
    } finally {
      await prisma.$disconnect();
      await pool.end();
    }
  }, 20_000);
});
