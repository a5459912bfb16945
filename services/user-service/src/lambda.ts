import { lazyApp } from '@platform/shared/http';
import { buildApp } from './app';
import { createLambdaHandlers } from './lambdaHandlers';

// Built on the first invocation, reused while the container is warm; a failed build is retried next time.
const app = lazyApp(() => buildApp());

/** Entry points named in services/user-service/serverless.functions.yml. */
export const { profileEvents, notifications, http } = createLambdaHandlers(app.get);
