import awsLambdaFastify, { type PromiseHandler } from '@fastify/aws-lambda';
import type { FastifyInstance } from 'fastify';
import { flushTracing } from '../tracing/startTracing';

/**
 * The HTTP API behind API Gateway (httpApi, payload 2.0) for an app built once per container
 * (`lazyApp(...).get`). No request decorator: the app is already started when the proxy is made,
 * and Fastify refuses decorators after start (that failed every request of a packaged function).
 * `settle`: work the app does after answering, awaited before the handler returns (Lambda freezes the
 * container once it has, and the work would be dropped).
 * @example export const http = lambdaHttpHandler(app.get);
 */
export function lambdaHttpHandler(
  getApp: () => Promise<FastifyInstance>,
  options: { settle?: () => Promise<unknown> } = {},
): PromiseHandler & { reset(): void } {
  let proxy: PromiseHandler | undefined;
  let proxiedApp: FastifyInstance | undefined;
  const handler = async (event: Parameters<PromiseHandler>[0], context: Parameters<PromiseHandler>[1]) => {
    const app = await getApp();
    // A rebuilt app (after a failed start, or in tests after close) gets a proxy of its own.
    if (!proxy || proxiedApp !== app) {
      proxy = awsLambdaFastify(app, { decorateRequest: false });
      proxiedApp = app;
    }
    try {
      const response = await proxy(event, context);
      // Work a route does after answering (e.g. forgot-password) must finish before the container may freeze.
      await options.settle?.();
      return response;
    } finally {
      // The container may freeze once this returns: send the request's spans now (nothing when not tracing).
      await flushTracing();
    }
  };
  return Object.assign(handler as PromiseHandler, {
    reset() {
      proxy = undefined;
      proxiedApp = undefined;
    },
  });
}
