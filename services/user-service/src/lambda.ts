import { buildApp } from './app';
import { createLambdaHandlers } from './lambdaHandlers';

let app: ReturnType<typeof buildApp> | undefined;

// Built on the first invocation, then reused while the container is warm; a failed build is retried next time.
const getApp = () => {
  app ??= buildApp().then(async (built) => {
    await built.ready();
    return built;
  });
  app.catch(() => (app = undefined));
  return app;
};

/** Entry points named in services/user-service/serverless.functions.yml. */
export const { profileEvents, notifications, http } = createLambdaHandlers(getApp);
