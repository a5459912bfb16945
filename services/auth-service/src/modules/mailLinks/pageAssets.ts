/**
 * The script and style of the mail-link pages, served by the auth-service itself (no files to ship,
 * nothing inline: the pages work under `script-src 'self'; style-src 'self'`). The script sends the
 * page's form as JSON to the API route of the same URL and shows the outcome.
 */
export const mailLinkScript = `'use strict';
for (const form of document.querySelectorAll('form[data-done]')) {
  const status = document.getElementById('status');
  const button = form.querySelector('button');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const fields = Object.fromEntries(new FormData(form));
    if ('repeat' in fields) {
      if (fields.repeat !== fields.password) {
        status.textContent = 'The two passwords differ.';
        return;
      }
      delete fields.repeat;
    }
    button.disabled = true;
    status.textContent = 'Sending…';
    try {
      const response = await fetch(form.getAttribute('action'), {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(fields),
      });
      if (response.ok) {
        form.hidden = true;
        status.textContent = form.dataset.done;
        return;
      }
      const body = await response.json().catch(() => ({}));
      const details = Array.isArray(body.error && body.error.details) ? body.error.details : [];
      status.textContent = details.length
        ? details.map((detail) => detail.field.replace(/^body\\./, '') + ' ' + detail.message).join('; ')
        : (body.error && body.error.message) || 'It did not work (' + response.status + ').';
    } catch {
      status.textContent = 'The server cannot be reached; try again.';
    } finally {
      button.disabled = false;
    }
  });
}
`;

export const mailLinkStyle = `body { font: 16px/1.5 system-ui, sans-serif; margin: 0; background: #f6f7f9; color: #1d2330; }
main { max-width: 28rem; margin: 10vh auto; padding: 2rem; background: #fff; border-radius: 8px; box-shadow: 0 1px 4px #0002; }
h1 { font-size: 1.4rem; margin-top: 0; }
label { display: block; margin: 1rem 0 0.25rem; }
input { width: 100%; box-sizing: border-box; padding: 0.5rem; font: inherit; }
button { margin-top: 1.25rem; padding: 0.6rem 1.2rem; font: inherit; cursor: pointer; }
#status { min-height: 1.5rem; margin-top: 1rem; }
`;
