import { call, latestMailToken, makeUser, startTestApp, type TestApp } from '../../../test/testApp';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.close());

/** What a browser sees: the page of a mail link, its form's action resolved against the page's URL. */
async function openPage(url: string) {
  const page = await call(t, 'GET', url);
  const action = /<form action="([^"]+)"/.exec(page.body)?.[1];
  const token = /<input type="hidden" name="token" value="([^"]+)"/.exec(page.body)?.[1];
  return { page, action: action && new URL(action, `http://auth.test${url}`).pathname, token };
}

describe('the pages mail links open', () => {
  it('confirm an email: the page posts the token of its link to POST /auth/email/verify', async () => {
    const { session } = await makeUser(t);
    const token = await latestMailToken(t, session.user.id, 'user.email.verification.requested');
    const opened = await openPage(`/auth/email/verify?token=${token}`);
    expect(opened.page.statusCode).toBe(200);
    expect(opened.page.headers['content-type']).toMatch(/^text\/html/);
    expect(opened.page.headers['cache-control']).toBe('no-store');
    expect(opened.page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(opened).toMatchObject({ action: '/auth/email/verify', token });
    const verified = await call(t, 'POST', opened.action!, { body: { token: opened.token } });
    expect(verified.json()).toMatchObject({ id: session.user.id, emailVerified: true });
  });

  it('reset a password: a form for the new one, posted with the token to POST /auth/password/reset', async () => {
    const { email, session } = await makeUser(t);
    await call(t, 'POST', '/auth/password/forgot', { body: { email } });
    const token = await latestMailToken(t, session.user.id, 'user.password.reset.requested');
    const opened = await openPage(`/auth/password/reset?token=${token}`);
    expect(opened).toMatchObject({ action: '/auth/password/reset', token });
    expect(opened.page.body).toContain('name="password"');
    const reset = await call(t, 'POST', opened.action!, { body: { token, password: 'a-brand-new-passphrase-7' } });
    expect(reset.statusCode).toBe(204);
  });

  it('say so when the link lost its token, and serve their script and style (no inline code)', async () => {
    for (const url of ['/auth/email/verify', '/auth/password/reset?token=<script>']) {
      const { page, action } = await openPage(url);
      expect(page.statusCode).toBe(200);
      expect(action).toBeUndefined();
      expect(page.body).toContain('This link is incomplete');
      expect(page.body).not.toContain('<script>');
    }
    const script = await call(t, 'GET', '/auth/pages/mail-link.js');
    expect(script.headers['content-type']).toMatch(/^text\/javascript/);
    expect(script.body).toContain("fetch(form.getAttribute('action')");
    expect((await call(t, 'GET', '/auth/pages/mail-link.css')).headers['content-type']).toMatch(/^text\/css/);
  });
});
