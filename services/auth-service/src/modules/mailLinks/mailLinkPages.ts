import type { BaseApp } from '@platform/shared/http';
import { z } from 'zod';
import { opaqueTokenSchema } from '../tokens';
import { mailLinkScript, mailLinkStyle } from './pageAssets';

const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  // The token is in the URL: keep the page out of caches and its address out of Referer headers.
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; base-uri 'none'; " +
    "form-action 'none'; frame-ancestors 'none'",
};

const escapeHtml = (value: string) =>
  value.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);

interface PageContent {
  title: string;
  /** The form's fields besides the token, and its button. */
  fields: string;
  button: string;
  /** Said once the API accepted it. */
  done: string;
}

/** A page whose form posts `{ token, ...fields }` as JSON to the API route of its own URL (`action`). */
function page(action: string, token: string | undefined, content: PageContent): string {
  const body = token
    ? `<form action="${action}" method="post" data-done="${escapeHtml(content.done)}">
<input type="hidden" name="token" value="${escapeHtml(token)}">
${content.fields}<button type="submit">${content.button}</button>
</form>
<p id="status" role="status"></p>
<noscript><p>This page needs JavaScript to send the form.</p></noscript>`
    : '<p>This link is incomplete: open the whole link from the mail, or ask for a new mail.</p>';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${content.title}</title>
<link rel="stylesheet" href="../pages/mail-link.css">
</head>
<body>
<main>
<h1>${content.title}</h1>
${body}
</main>
<script src="../pages/mail-link.js"></script>
</body>
</html>
`;
}

const linkQuery = z.object({ token: z.string().optional() });
const tokenOf = (query: unknown) => {
  const token = linkQuery.safeParse(query).data?.token;
  return token && opaqueTokenSchema.safeParse(token).success ? token : undefined;
};

/**
 * The pages the links in the verification and reset mails open (GET of the same URL as the API
 * route the page then POSTs to): GET /auth/email/verify?token=… and GET /auth/password/reset?token=….
 * The user-service builds the links from PUBLIC_APP_URL; a web app may serve these paths instead.
 * Links are relative, so the pages work under any base path (an API Gateway stage). Not in the
 * OpenAPI document: they are for browsers.
 */
export function registerMailLinkPages(app: BaseApp) {
  const hide = { schema: { hide: true } };
  app.get('/auth/email/verify', hide, async (request, reply) =>
    reply.headers(PAGE_HEADERS).send(
      page('verify', tokenOf(request.query), {
        title: 'Confirm your email address',
        fields: '',
        button: 'Confirm my email address',
        done: 'Your email address is confirmed. You can close this page.',
      }),
    ),
  );
  app.get('/auth/password/reset', hide, async (request, reply) =>
    reply.headers(PAGE_HEADERS).send(
      page('reset', tokenOf(request.query), {
        title: 'Choose a new password',
        fields:
          '<label for="password">New password (8 to 128 characters)</label>\n' +
          '<input id="password" name="password" type="password" autocomplete="new-password" minlength="8" maxlength="128" required>\n' +
          '<label for="repeat">The same again</label>\n' +
          '<input id="repeat" name="repeat" type="password" autocomplete="new-password" required>\n',
        button: 'Set the new password',
        done: 'Your password is changed and every session signed out. Log in with the new password.',
      }),
    ),
  );
  app.get('/auth/pages/mail-link.js', hide, async (_request, reply) =>
    reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=3600').send(mailLinkScript),
  );
  app.get('/auth/pages/mail-link.css', hide, async (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(mailLinkStyle),
  );
}
