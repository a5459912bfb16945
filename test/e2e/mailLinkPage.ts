import assert from 'node:assert/strict';

/** The first link of a mail that carries a token. */
export function linkFromMail(text: string): URL {
  const link = /https?:\/\/\S+[?&]token=[^\s&]+/.exec(text);
  assert.ok(link, `the mail has no link with a token:\n${text}`);
  return new URL(link[0]);
}

/**
 * Opens a mail's link as a browser would and submits the page's form as its script does: the form's
 * fields (the hidden token) plus `fields`, as JSON, to the form's action. Returns the API's status.
 */
export async function submitMailLinkPage(link: URL, fields: Record<string, string> = {}): Promise<number> {
  const page = await fetch(link, { signal: AbortSignal.timeout(15_000) });
  const html = await page.text();
  assert.equal(page.status, 200, `GET ${link.pathname}: ${page.status} ${html.slice(0, 200)}`);
  assert.match(page.headers.get('content-type') ?? '', /^text\/html/, `${link.pathname} is a page`);
  const action = /<form action="([^"]+)"/.exec(html)?.[1];
  const token = /<input type="hidden" name="token" value="([^"]+)"/.exec(html)?.[1];
  assert.ok(action && token, `${link.pathname}: a form with the token:\n${html}`);
  for (const asset of html.matchAll(/(?:src|href)="([^"]+)"/g)) {
    const response = await fetch(new URL(asset[1]!, link));
    assert.equal(response.status, 200, `${link.pathname} loads ${asset[1]}: ${response.status}`);
  }
  const response = await fetch(new URL(action, link), {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ token: token.replace(/&amp;/g, '&'), ...fields }),
    signal: AbortSignal.timeout(15_000),
  });
  await response.arrayBuffer();
  return response.status;
}
