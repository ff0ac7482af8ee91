// GET /search?q=: the key for an address, fingerprint or key ID. For each verified address
// the page carries a transparency panel that the browser fills by checking the lookup's
// proof itself; the summary and downloads come from the same bytes the log commits to.
import type { Context } from 'hono';
import { describeError } from '../http/errors.ts';
import { loadCertificate } from '../openpgp/load.ts';
import type { CleanCertificate } from '../openpgp/types.ts';
import type { Services } from '../services.ts';
import { panelBundle } from '../static/bundle.ts';
import { CertificateSummary } from './certificate-summary.tsx';
import { SearchForm } from './forms.tsx';
import { findKeys, noKeyFound } from './key-lookup.ts';
import { Layout } from './layout.tsx';
import { PanelSection } from './panel-section.tsx';
import { sendPage } from './render.ts';
import { parseSearchQuery, type SearchQuery } from './search-query.ts';

interface Shown {
  cert: CleanCertificate;
  addresses: string[];
}

function Downloads({ q, fingerprint }: { q: string; fingerprint: string }) {
  const base = `/download?q=${encodeURIComponent(q)}`;
  return (
    <p class="downloads">
      <a class="button" href={`${base}&format=asc`} download={`${fingerprint}.asc`}>
        Download (armored .asc)
      </a>{' '}
      <a class="button secondary" href={`${base}&format=pgp`} download={`${fingerprint}.pgp`}>
        Download (binary .pgp)
      </a>
    </p>
  );
}

/** The monitor command for these addresses (each --expect belongs to the --address before it). */
export function monitorCommand(publicUrl: string, addresses: string[], fingerprint: string): string {
  return `npx glasskey-verify monitor --server ${publicUrl} ${addresses.map((a) => `--address ${a} --expect ${fingerprint}`).join(' ')} --interval 300`;
}

function KeyBlock({ shown, q, now, publicUrl }: { shown: Shown; q: string; now: Date; publicUrl: string }) {
  const { cert, addresses } = shown;
  return (
    <article class="key" aria-label={`Key ${cert.fingerprint}`}>
      <CertificateSummary cert={cert} now={now} />
      <Downloads q={q} fingerprint={cert.fingerprint} />
      <h2>Verified addresses</h2>
      {addresses.length === 0 ? (
        <p>No address of this key is published; it is served by fingerprint only, without user IDs.</p>
      ) : (
        addresses.map((a) => <PanelSection address={a} fingerprint={cert.fingerprint} publicUrl={publicUrl} />)
      )}
      {addresses.length > 0 ? (
        <details class="monitor">
          <summary>Is this your key? Watch it.</summary>
          <p>A monitor reads every new log entry and tells you if any other key is ever bound to your address:</p>
          <pre>
            <code>{monitorCommand(publicUrl, addresses, cert.fingerprint)}</code>
          </pre>
        </details>
      ) : null}
    </article>
  );
}

function titleFor(q: SearchQuery): string {
  if (q.kind === 'address') return `Key for ${q.address}`;
  return q.kind === 'fingerprint' ? `Key ${q.fingerprint.slice(-16)}` : `Keys with key ID ${q.keyId}`;
}

export function searchHandler(svc: Services) {
  return async (c: Context) => {
    const raw = c.req.query('q');
    let q: SearchQuery;
    try {
      q = parseSearchQuery(raw);
    } catch (err) {
      const d = describeError(err);
      if (d.status >= 500) throw err;
      return sendPage(
        c,
        <Layout title="Search" section="home">
          <div class="alert error" role="alert">
            <p>{d.error}</p>
          </div>
          <SearchForm value={raw ?? ''} />
        </Layout>,
        d.status,
      );
    }
    const found = await findKeys(svc, q);
    if (found.length === 0)
      return sendPage(
        c,
        <Layout title="No key found" section="home">
          <div class="alert error" role="alert">
            <p>{noKeyFound(q).message}</p>
          </div>
          <SearchForm value={raw ?? ''} />
        </Layout>,
        404,
      );
    const now = svc.now();
    const shown: Shown[] = [];
    for (const f of found) shown.push({ cert: await loadCertificate(f.binary, now), addresses: f.addresses });
    const withPanel = shown.some((s) => s.addresses.length > 0);
    const script = withPanel ? (await panelBundle()).path : undefined;
    return sendPage(
      c,
      <Layout title={titleFor(q)} section="home" script={script}>
        <SearchForm value={raw ?? ''} />
        {shown.map((s) => (
          <KeyBlock shown={s} q={q.kind === 'address' ? q.address : s.cert.fingerprint} now={now} publicUrl={svc.config.publicUrl} />
        ))}
      </Layout>,
    );
  };
}
