// The transparency panel's entry point (bundled by server/static/bundle.ts and served as
// /static/panel.<hash>.js): for every section marked data-verify-email on the page, check
// the lookup's proof in the browser and show the outcome. Checkpoints are kept in
// localStorage through @glasskey/verifier's HeadStore (in memory when there is none).
import { HeadStore, localStorageAvailable, localStorageStorage, memoryStorage } from '@glasskey/verifier';
import { checkAddress } from './check-address.ts';
import { fetchPolicy } from './fetch-data.ts';
import { asFailure } from './failure.ts';
import { showChecking, showFailed, showVerified } from './render.ts';

async function run(): Promise<void> {
  const sections = [...document.querySelectorAll<HTMLElement>('[data-verify-email]')];
  if (sections.length === 0) return;
  for (const s of sections) showChecking(s);
  const heads = new HeadStore(localStorageAvailable() ? localStorageStorage({ prefix: 'glasskey:' }) : memoryStorage());
  let policy;
  try {
    policy = await fetchPolicy();
  } catch (err) {
    for (const s of sections) showFailed(s, asFailure('policy', err), performance.now());
    return;
  }
  // One at a time: each check may advance the stored checkpoint.
  for (const s of sections) {
    try {
      const r = await checkAddress(s.dataset.verifyEmail!, s.dataset.fingerprint, policy, heads);
      showVerified(s, r, performance.now());
    } catch (err) {
      showFailed(s, asFailure('verify', err), performance.now());
    }
  }
}

void run();
