// The forms more than one page shows: the search box, the upload form (paste or file), the
// hidden CSRF field every posted form carries.
import { CSRF_FIELD } from './csrf.ts';

export function CsrfField({ token }: { token: string }) {
  return <input type="hidden" name={CSRF_FIELD} value={token} />;
}

export function SearchForm({ value = '' }: { value?: string }) {
  return (
    <form method="get" action="/search" role="search" class="search">
      <label for="q">Email address, fingerprint or key ID</label>
      <div class="row">
        <input id="q" name="q" type="search" required maxlength={320} autocomplete="off" spellcheck={false} value={value} placeholder="alice@example.org" />
        <button type="submit">Search</button>
      </div>
    </form>
  );
}

export function UploadForm({ csrf }: { csrf: string }) {
  return (
    <form method="post" action="/upload" enctype="multipart/form-data" class="upload">
      <CsrfField token={csrf} />
      <label for="keytext">Paste your public key (ASCII armored)</label>
      <textarea id="keytext" name="keytext" rows={7} spellcheck={false} autocomplete="off" placeholder="-----BEGIN PGP PUBLIC KEY BLOCK-----"></textarea>
      <label for="keyfile">or choose a key file</label>
      <input id="keyfile" name="keyfile" type="file" accept=".asc,.gpg,.pgp,.key,.pub,application/pgp-keys" />
      <p class="hint" id="upload-hint">
        Public keys only, at most 1 MiB. Nothing is published until you confirm an address through the link mailed to it.
      </p>
      <button type="submit" aria-describedby="upload-hint">
        Upload
      </button>
    </form>
  );
}
