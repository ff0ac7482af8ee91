// The page shown for any error on the web pages: a title and the message that says what
// went wrong and what to do, with the status code; never a stack trace (unexpected errors
// are logged and shown as a generic message).
import type { Context } from 'hono';
import { describeError } from '../http/errors.ts';
import type { Services } from '../services.ts';
import { Layout } from './layout.tsx';
import { sendPage } from './render.ts';

const TITLES: Record<string, string> = {
  'used-token': 'This link was already used',
  'expired-token': 'This link has expired',
  'unknown-token': 'This link is not valid',
  csrf: 'This form cannot be accepted',
  'body-too-large': 'That is too large',
  'rate-limited': 'Too many requests',
  'not-found': 'Not found',
  'no-checkpoint': 'Not available yet',
  internal: 'Something went wrong on our side',
};

/** Page wording for errors whose API message is written for programs. */
const PAGE_MESSAGES: Record<string, string> = {
  'body-too-large': 'What you sent is larger than the 1 MiB limit. A public key is usually a few KiB: check that you chose your public key file.',
  csrf: 'This form did not come from a glasskey page, or it is too old. Go back, reload the page and send it again.',
};

export function ErrorPage({ title, message, status }: { title: string; message: string; status: number }) {
  return (
    <Layout title={title}>
      <div class="alert error" role="alert">
        <p>{message}</p>
      </div>
      <p class="muted">Error {status}.</p>
      <p>
        <a href="/">Back to search and upload</a> · <a href="/manage">Manage an address</a>
      </p>
    </Layout>
  );
}

export function sendErrorPage(c: Context, err: unknown, svc: Pick<Services, 'log'>): Promise<Response> {
  const d = describeError(err);
  // Only our own faults are hidden and logged; a 503 the code raised on purpose says why.
  const internal = d.code === 'internal';
  if (internal) svc.log(`${c.req.method} ${c.req.path}: unexpected error`, err);
  const message = internal ? 'The server could not handle this request. Please try again later.' : (PAGE_MESSAGES[d.code] ?? d.error);
  const title = TITLES[d.code] ?? (d.status >= 500 ? 'Not available right now' : 'That did not work');
  return sendPage(c, <ErrorPage title={title} message={message} status={d.status} />, d.status, d.headers);
}
