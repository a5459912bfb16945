'use strict';
/**
 * A Lambda Node.js runtime in miniature, for the end-to-end suite: run with plain `node` (never tsx)
 * in the folder a function's zip was unzipped into (LAMBDA_TASK_ROOT), with the function's
 * environment. Like the managed runtime it loads `_HANDLER` (`path/to/module.export`) once, at init,
 * then handles one invocation at a time with a context whose getRemainingTimeInMillis counts down
 * to the function's timeout. Invocations arrive over IPC from test/e2e/lambda/lambdaInvoker.ts in
 * place of the Runtime API.
 */
const path = require('node:path');

const taskRoot = process.env.LAMBDA_TASK_ROOT;
const handlerName = process.env._HANDLER;
const functionName = process.env.AWS_LAMBDA_FUNCTION_NAME;

let handler;
let initError;
try {
  const dot = handlerName.lastIndexOf('.');
  const loaded = require(path.resolve(taskRoot, handlerName.slice(0, dot)));
  handler = loaded[handlerName.slice(dot + 1)];
  if (typeof handler !== 'function') throw new Error(`${handlerName} is not a function (Runtime.HandlerNotFound)`);
} catch (error) {
  initError = error;
}

function errorResult(error) {
  return {
    errorType: error?.name ?? 'Error',
    errorMessage: error?.message ?? String(error),
    stack: String(error?.stack ?? '').split('\n'),
  };
}

process.on('message', async ({ id, event, requestId, deadline }) => {
  if (initError) {
    process.send({ id, error: { ...errorResult(initError), errorType: `Runtime.InitError: ${initError.name}` } });
    return;
  }
  const context = {
    functionName,
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
    invokedFunctionArn: `arn:aws:lambda:${process.env.AWS_REGION}:000000000000:function:${functionName}`,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    awsRequestId: requestId,
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
  try {
    const result = await handler(event, context);
    process.send({ id, result: result === undefined ? null : result });
  } catch (error) {
    process.send({ id, error: errorResult(error) });
  }
});

process.send({ ready: true, initError: initError ? errorResult(initError) : undefined });
