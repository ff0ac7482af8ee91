// Uploading a key through the page. POST /upload (paste or file) cleans and stores it and
// shows the result: the certificate summary and each address with its status and a button
// that mails its verification link. POST /upload/request-verify sends those links and shows
// the result again with the addresses now pending. Refused keys go back to the home page
// with the reason above the form.
import type { Context } from 'hono';
import { certificateByFingerprint } from '../directory/queries.ts';
import { addressStatuses, type AddressStatus } from '../directory/status.ts';
import { uploadCertificates } from '../directory/upload.ts';
import { requestVerification } from '../directory/verification.ts';
import { ApiError, describeError } from '../http/errors.ts';
import { clientIp } from '../http/request.ts';
import { loadCertificate } from '../openpgp/load.ts';
import type { CleanCertificate } from '../openpgp/types.ts';
import { limitUploads } from '../routes/vks.ts';
import type { Services } from '../services.ts';
import { CertificateSummary } from './certificate-summary.tsx';
import { checkedForm, csrfToken } from './csrf.ts';
import { CsrfField } from './forms.tsx';
import { HomePage } from './home.tsx';
import { Layout } from './layout.tsx';
import { sendPage } from './render.ts';

const STATUS_TEXT: Record<AddressStatus, string> = {
  unpublished: 'Not published',
  pending: 'Link sent, waiting for you to confirm',
  published: 'Published',
  revoked: 'Revoked',
};

interface ResultProps {
  cert: CleanCertificate;
  status: Record<string, AddressStatus>;
  token: string;
  csrf: string;
  now: Date;
  sent?: string[];
}

function SendButton({ token, csrf, addresses, label }: { token: string; csrf: string; addresses: string[]; label: string }) {
  return (
    <form method="post" action="/upload/request-verify" class="inline">
      <CsrfField token={csrf} />
      <input type="hidden" name="token" value={token} />
      <input type="hidden" name="addresses" value={addresses.join(',')} />
      <button type="submit">{label}</button>
    </form>
  );
}

export function UploadResultPage({ cert, status, token, csrf, now, sent = [] }: ResultProps) {
  const addresses = Object.keys(status).sort();
  const unpublished = addresses.filter((a) => status[a] === 'unpublished');
  return (
    <Layout title="Your key" section="home">
      {sent.length > 0 ? (
        <div class="alert ok" role="status">
          <p>
            We mailed a verification link to <strong>{sent.join(', ')}</strong>. Open it and press the confirm button to publish; the link works once and
            expires in 24 hours.
          </p>
        </div>
      ) : (
        <p class="lead">Your key is stored but not published yet. Choose the addresses to publish: each gets a link to confirm.</p>
      )}
      <CertificateSummary cert={cert} now={now} />
      <h2>Addresses</h2>
      {addresses.length === 0 ? (
        <p>This key has no usable address.</p>
      ) : (
        <table class="addresses">
          <caption class="visually-hidden">Addresses of this key and whether each is published</caption>
          <thead>
            <tr>
              <th scope="col">Address</th>
              <th scope="col">Status</th>
              <th scope="col">Action</th>
            </tr>
          </thead>
          <tbody>
            {addresses.map((a) => (
              <tr data-address={a} data-status={status[a]}>
                <td>{a}</td>
                <td>
                  <span class={`badge ${status[a]}`}>{STATUS_TEXT[status[a]]}</span>
                </td>
                <td>
                  {status[a] === 'unpublished' ? <SendButton token={token} csrf={csrf} addresses={[a]} label="Send verification link" /> : null}
                  {status[a] === 'pending' ? <SendButton token={token} csrf={csrf} addresses={[a]} label="Send the link again" /> : null}
                  {status[a] === 'published' ? <a href={`/search?q=${encodeURIComponent(a)}`}>See it published</a> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {unpublished.length > 1 ? <SendButton token={token} csrf={csrf} addresses={unpublished} label={`Send links to all ${unpublished.length} addresses`} /> : null}
    </Layout>
  );
}

function uploadedInput(form: Record<string, string | Uint8Array>): string | Uint8Array {
  const file = form.keyfile;
  if (file instanceof Uint8Array && file.length > 0) return file;
  const text = form.keytext;
  if (typeof text === 'string' && text.trim() !== '') return text;
  throw new ApiError(400, 'no-key', 'paste an armored public key, or choose a key file.');
}

export function uploadHandler(svc: Services) {
  return async (c: Context) => {
    try {
      const input = uploadedInput(checkedForm(c));
      await limitUploads(svc, clientIp(c, svc.config.trustProxy));
      const [result] = await uploadCertificates(svc, input, { max: 1 });
      const props = { cert: result.clean, status: result.status, token: result.token, csrf: csrfToken(c, svc), now: svc.now() };
      return sendPage(c, <UploadResultPage {...props} />);
    } catch (err) {
      const d = describeError(err);
      if (d.status >= 500) throw err; // the error page says it (and logs our own faults)
      return sendPage(c, <HomePage csrf={csrfToken(c, svc)} uploadError={d.error} />, d.status, d.headers);
    }
  };
}

export function requestVerifyHandler(svc: Services) {
  return async (c: Context) => {
    const form = checkedForm(c);
    const token = typeof form.token === 'string' ? form.token : '';
    const wanted = typeof form.addresses === 'string' ? form.addresses.split(',').filter(Boolean) : [];
    if (wanted.length === 0 || wanted.length > 32) throw new ApiError(400, 'bad-addresses', 'choose between 1 and 32 addresses to verify.');
    const { fingerprint, sent } = await requestVerification(svc, token, wanted, clientIp(c, svc.config.trustProxy));
    const stored = await certificateByFingerprint(svc.sql, fingerprint);
    if (!stored) throw new ApiError(404, 'unknown-token', 'the uploaded key is gone; upload it again.');
    const now = svc.now();
    const cert = await loadCertificate(stored.data, now);
    const status = await addressStatuses(svc.sql, cert, now);
    return sendPage(c, <UploadResultPage cert={cert} status={status} token={token} csrf={csrfToken(c, svc)} now={now} sent={sent} />);
  };
}
