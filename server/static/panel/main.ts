// The transparency panel's entry point (bundled by server/static/bundle.ts and served as
// /static/panel.<hash>.js): for every section marked data-verify-email on the page, check
// the lookup's proof in the browser and show the outcome. Checkpoints are kept in
// localStorage through @glasskey/verifier's HeadStore (in memory when there is none).
import { HeadStore, localStorageAvailable, localStorageStorage, memoryStorage } from '@glasskey/verifier';
import { checkAddress } from './check-address.ts';
import { fetchLookup, fetchPolicy } from './fetch-data.ts';
import { asFailure } from './failure.ts';
import { showChecking, showFailed, showVerified } from './render.ts';

async function run(): Promise<void> {
  const sections = [...document.querySelectorAll<HTMLElement>('[data-verify-email]')];
  if (sections.length === 0) return;
  for (const s of sections) showChecking(s);
  // Every request at once; the checks then run in order.
  const policyFetch = fetchPolicy();
  const lookups = sections.map((s) => fetchLookup(s.dataset.verifyEmail!));
  for (const l of lookups) l.catch(() => {}); // reported by the check that awaits it
  const heads = new HeadStore(localStorageAvailable() ? localStorageStorage({ prefix: 'glasskey:' }) : memoryStorage());
  let policy;
  try {
    policy = await policyFetch;
  } catch (err) {
    for (const s of sections) showFailed(s, asFailure('policy', err), performance.now());
    return;
  }
  // One at a time: each check may advance the stored checkpoint.
  for (const [i, s] of sections.entries()) {
    try {
      const r = await checkAddress(s.dataset.verifyEmail!, s.dataset.fingerprint, policy, heads, lookups[i]);
      showVerified(s, r, performance.now());
    } catch (err) {
      showFailed(s, asFailure('verify', err), performance.now());
    }
  }
}

void run();
