// GET /manage: ask for an address to be removed; POST /manage mails the removal link (when
// the address is bound; the answer is the same either way, so the page does not tell who
// has a key here). Confirming the link appends an unbind entry to the log.
import type { Context } from 'hono';
import { requestRemoval } from '../directory/verification.ts';
import { ApiError } from '../http/errors.ts';
import { clientIp } from '../http/request.ts';
import type { Services } from '../services.ts';
import { checkedForm, csrfToken } from './csrf.ts';
import { CsrfField } from './forms.tsx';
import { Layout } from './layout.tsx';
import { sendPage } from './render.ts';

export function ManagePage({ csrf, sentTo }: { csrf: string; sentTo?: string }) {
  return (
    <Layout title="Manage your address" section="manage">
      {sentTo ? (
        <div class="alert ok" role="status">
          <p>
            If <strong>{sentTo}</strong> has a published key here, we mailed a removal link to it. Open the link and confirm to remove it; it expires in 24
            hours.
          </p>
        </div>
      ) : null}
      <p class="lead">
        To stop publishing your key for an address, we mail a link to that address; confirming it removes the address from the directory. The log keeps a
        removal entry (it holds no address or key, only hashes), and the key is no longer served for that address.
      </p>
      <form method="post" action="/manage" class="manage">
        <CsrfField token={csrf} />
        <label for="email">Your email address</label>
        <div class="row">
          <input id="email" name="email" type="email" required maxlength={320} autocomplete="email" />
          <button type="submit">Send removal link</button>
        </div>
      </form>
      <p>
        To change your key instead, upload the new one on the <a href="/">home page</a> and confirm the address again: it replaces the old key, and the log
        records the change.
      </p>
    </Layout>
  );
}

export function manageHandler(svc: Services) {
  return (c: Context) => sendPage(c, <ManagePage csrf={csrfToken(c, svc)} />, 200, { 'referrer-policy': 'no-referrer' });
}

export function manageSubmitHandler(svc: Services) {
  return async (c: Context) => {
    const email = checkedForm(c).email;
    if (typeof email !== 'string' || email.trim() === '') throw new ApiError(400, 'missing-email', 'enter the email address to remove.');
    await requestRemoval(svc, email, clientIp(c, svc.config.trustProxy));
    return sendPage(c, <ManagePage csrf={csrfToken(c, svc)} sentTo={email.trim()} />);
  };
}
