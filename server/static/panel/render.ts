// Writes the panel's outcome into the page with DOM calls only (textContent, never HTML
// strings): a green "verified" statement with the entry, the log size, the log's signature
// and each cosignature with its time, or a red failure naming the check that failed. The
// section's data-state ('checking' | 'verified' | 'failed') and data-code say the same for
// scripts and tests.
import { explainFailure } from './explain.ts';
import type { PanelFailure } from './failure.ts';
import type { PanelResult } from './check-address.ts';

function el(tag: string, ...content: (string | Node)[]): HTMLElement {
  const e = document.createElement(tag);
  e.append(...content);
  return e;
}

const utc = (seconds: number) => new Date(seconds * 1000).toISOString().slice(0, 19).replace('T', ' ') + ' UTC';

/** Empties the status box, sets its class and the section's state. */
function reset(section: HTMLElement, state: string, ms?: number): HTMLElement {
  const box = section.querySelector<HTMLElement>('.panel-status')!;
  box.replaceChildren();
  box.className = 'panel-status ' + state;
  section.dataset.state = state;
  if (ms !== undefined) section.dataset.ms = ms.toFixed(1);
  return box;
}

export function showChecking(section: HTMLElement): void {
  reset(section, 'checking').append(el('p', 'Checking the proof in your browser…'));
}

export function showVerified(section: HTMLElement, r: PanelResult, ms: number): void {
  const box = reset(section, 'verified', ms);
  section.dataset.index = String(r.index);
  section.dataset.size = String(r.size);
  const cos = r.cosignatures.map((c) => `${c.witness} at ${utc(c.timestamp)}`).join(', ');
  const h = r.history;
  box.append(
    el(
      'p',
      el('strong', 'Verified in your browser:'),
      ` entry ${r.index} in a log of size ${r.size}, checkpoint signed by the log (${r.origin})` +
        (cos ? ` and cosigned by ${cos}.` : ". This log's policy names no witnesses, so no cosignatures."),
    ),
    el(
      'p',
      `The log commits to the key ${r.fingerprint.replace(/(.{4})(?=.)/g, '$1 ')}, the one shown above. ` +
        (h.status === 'first'
          ? 'First checkpoint of this log your browser has seen; it is kept to check the next ones.'
          : h.status === 'same'
            ? 'Same checkpoint as your browser verified before.'
            : `It extends the checkpoint of size ${h.previousSize} your browser verified before (consistency proof checked).`),
    ),
    el('details', el('summary', 'The signed checkpoint'), el('pre', r.note)),
  );
}

export function showFailed(section: HTMLElement, f: PanelFailure, ms: number): void {
  const box = reset(section, 'failed', ms);
  section.dataset.code = f.code;
  box.setAttribute('role', 'alert');
  box.append(
    el('p', el('strong', 'Verification failed:'), ' ' + explainFailure(f)),
    el('p', `Check: ${f.step}; code `, el('code', f.code), `: ${f.message}`),
    el('p', 'Do not rely on this key while the check fails; if it keeps failing, keep this page and report it.'),
  );
  if (f.evidence) box.append(el('details', el('summary', 'Evidence to report'), el('pre', f.evidence)));
}
