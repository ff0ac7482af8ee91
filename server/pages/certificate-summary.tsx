// What the pages say about a certificate: fingerprint (grouped by four), primary key
// algorithm, creation and expiry dates, revocation, and its subkeys.
import type { CleanCertificate } from '../openpgp/types.ts';
import { formatDate, groupFingerprint } from './format.ts';

function algorithmText(c: { algorithm: string; bits: number }): string {
  return /^(rsa|dsa|elg)/.test(c.algorithm) && !/\d/.test(c.algorithm) ? `${c.algorithm} ${c.bits} bits` : c.algorithm;
}

function ExpiryText({ expires, now }: { expires: Date | null; now: Date }) {
  if (expires === null) return <>never</>;
  if (expires.getTime() <= now.getTime()) return <span class="badge bad">expired {formatDate(expires)}</span>;
  return <>{formatDate(expires)}</>;
}

export function CertificateSummary({ cert, now }: { cert: CleanCertificate; now: Date }) {
  return (
    <dl class="summary">
      <dt>Fingerprint</dt>
      <dd>
        <code class="fpr" data-fingerprint={cert.fingerprint}>
          {groupFingerprint(cert.fingerprint)}
        </code>
        {cert.revoked ? <span class="badge bad">revoked</span> : null}
      </dd>
      <dt>Algorithm</dt>
      <dd>
        {algorithmText(cert)} (OpenPGP v{cert.version})
      </dd>
      <dt>Created</dt>
      <dd>{formatDate(cert.created)}</dd>
      <dt>Expires</dt>
      <dd>
        <ExpiryText expires={cert.expires} now={now} />
      </dd>
      <dt>Subkeys</dt>
      <dd>
        {cert.subkeys.length === 0 ? (
          'none'
        ) : (
          <ul class="plain">
            {cert.subkeys.map((s) => (
              <li>
                <code>{s.keyId}</code> {algorithmText(s)}, created {formatDate(s.created)}
                {s.expires ? `, expires ${formatDate(s.expires)}` : ''}
                {s.revoked ? <span class="badge bad">revoked</span> : null}
              </li>
            ))}
          </ul>
        )}
      </dd>
    </dl>
  );
}
