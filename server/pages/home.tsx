// GET /: the search box, the upload form, and one paragraph on what the log guarantees.
// Also re-shown, with the error above the form, when an upload is refused.
import type { Context } from 'hono';
import type { Services } from '../services.ts';
import { csrfToken } from './csrf.ts';
import { SearchForm, UploadForm } from './forms.tsx';
import { Layout } from './layout.tsx';
import { sendPage } from './render.ts';

export function HomePage({ csrf, uploadError }: { csrf: string; uploadError?: string }) {
  return (
    <Layout title="Find or publish an OpenPGP key" section="home">
      <p class="lead">
        glasskey is a directory of OpenPGP keys that cannot lie quietly. Search for someone's key, or publish yours: each address is proven by a link mailed
        to it.
      </p>
      <section aria-labelledby="search-h">
        <h2 id="search-h">Find a key</h2>
        <SearchForm />
      </section>
      <section aria-labelledby="upload-h">
        <h2 id="upload-h">Publish your key</h2>
        {uploadError ? (
          <div class="alert error" role="alert" id="upload-error">
            <p>
              <strong>The key was not accepted:</strong> {uploadError}
            </p>
          </div>
        ) : null}
        <UploadForm csrf={csrf} />
      </section>
      <section aria-labelledby="why-h">
        <h2 id="why-h">What the log guarantees</h2>
        <p>
          Every key this directory serves for an address was confirmed by someone who could read mail at that address, and was first written to a public,
          append-only Merkle log whose checkpoints are signed by the log and cosigned by independent witnesses. Every lookup comes with a proof that your
          browser (or any client) checks against those checkpoints. So the directory cannot hand anyone a different key for you without writing it into the
          log for everyone, and for your monitor, to see; nor can it show different people different logs without the witnesses noticing.{' '}
          <a href="/log">See the log</a>.
        </p>
      </section>
    </Layout>
  );
}

export function homeHandler(svc: Services) {
  return (c: Context) => sendPage(c, <HomePage csrf={csrfToken(c, svc)} />);
}
