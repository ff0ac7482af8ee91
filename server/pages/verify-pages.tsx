// The pages of a mailed link: what confirming will do (bind or remove, address and key)
// with the confirm button, and what it did (the log entry's index, a link to the result).
import type { Confirmation, PendingLink } from '../directory/verification.ts';
import { CsrfField } from './forms.tsx';
import { groupFingerprint } from './format.ts';
import { Layout } from './layout.tsx';

export function ConfirmPage({ link, csrf, action }: { link: PendingLink; csrf: string; action: string }) {
  const bind = link.action === 'bind';
  return (
    <Layout title={bind ? 'Confirm your address' : 'Confirm removal'}>
      <dl class="summary">
        <dt>Address</dt>
        <dd>
          <strong data-address>{link.address}</strong>
        </dd>
        <dt>Key</dt>
        <dd>
          <code class="fpr">{groupFingerprint(link.fingerprint)}</code>
        </dd>
      </dl>
      <p>
        {bind
          ? 'Confirming publishes this key for this address and writes the binding to the public transparency log. Check that the fingerprint is the one of your key.'
          : 'Confirming removes this address from the directory: the key is no longer served for it, and the log records the removal.'}
      </p>
      <form method="post" action={action}>
        <CsrfField token={csrf} />
        <button type="submit">{bind ? 'Confirm and publish' : 'Confirm removal'}</button>
      </form>
      <p class="muted">Did not ask for this? Ignore the mail and this page; nothing happens unless you press the button.</p>
    </Layout>
  );
}

export function ConfirmedPage({ done, witnessed }: { done: Confirmation; witnessed: boolean }) {
  const bind = done.action === 'bind';
  const search = `/search?q=${encodeURIComponent(done.address)}`;
  return (
    <Layout title={bind ? 'Your key is published' : 'Address removed'}>
      <div class="alert ok" role="status">
        <p>
          {bind ? (
            <>
              <strong>{done.address}</strong> is now bound to the key <code class="fpr">{groupFingerprint(done.fingerprint)}</code>.
            </>
          ) : (
            <>
              <strong>{done.address}</strong> was removed from the directory.
            </>
          )}
        </p>
        <p data-index={done.index ?? ''}>
          {done.index === null ? 'Nothing needed to change in the log.' : `The log recorded it as entry ${done.index}.`}
        </p>
      </div>
      {bind && witnessed && done.index !== null ? (
        <p class="muted">Lookups serve it once the log's witnesses have cosigned a checkpoint that includes it, usually within seconds.</p>
      ) : null}
      {bind ? (
        <p>
          <a class="button" href={search}>
            See your key and check its proof
          </a>
        </p>
      ) : (
        <p>
          <a href="/">Back to the home page</a>
        </p>
      )}
    </Layout>
  );
}
