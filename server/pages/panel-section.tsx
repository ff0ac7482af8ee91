// The transparency panel as the server writes it: a section the browser script fills in
// (data-verify-email, data-fingerprint: the key this page shows, which the log must commit
// to). Without JavaScript it says so and gives the command that checks the proof locally.
import { groupFingerprint } from './format.ts';

export function PanelSection({ address, fingerprint, publicUrl }: { address: string; fingerprint: string; publicUrl: string }) {
  const id = `panel-${address.replace(/[^a-z0-9]/g, '-')}`;
  return (
    <section class="panel" aria-labelledby={id} data-verify-email={address} data-fingerprint={fingerprint}>
      <h3 id={id}>Transparency check for {address}</h3>
      <div class="panel-status waiting" role="status" aria-live="polite">
        <p>
          Your browser checks the log's proof for this key with a script from this site. If this text stays, the script did not run: check the proof on your
          own computer with the command below.
        </p>
      </div>
      <details>
        <summary>Check it without this page</summary>
        <p>
          The same check, with the verifier library's command-line tool (key <code>{groupFingerprint(fingerprint)}</code>):
        </p>
        <pre>
          <code>{`npx glasskey-verify lookup ${address} --server ${publicUrl}`}</code>
        </pre>
      </details>
    </section>
  );
}
