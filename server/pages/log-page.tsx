// GET /log: the served checkpoint with its signature and cosignatures (and their ages), the
// log's size over time, the policy clients pin (to read and download), and how to watch an
// address with a monitor and read the log's tiles. Before the witnesses' quorum has cosigned
// a first checkpoint there is none to serve: the page says so and shows the rest.
import type { Context } from 'hono';
import { ApiError } from '../http/errors.ts';
import { logPolicy } from '../policy.ts';
import type { Services } from '../services.ts';
import { servedCheckpointView, type CheckpointView } from './checkpoint-view.ts';
import { formatAge, formatDateTime } from './format.ts';
import { LogChart } from './log-chart.tsx';
import { logGrowth, type GrowthPoint } from './log-growth.ts';
import { Layout } from './layout.tsx';
import { sendPage } from './render.ts';

function Signatures({ cp, now }: { cp: CheckpointView; now: Date }) {
  const cosigs = cp.signatures.filter((s) => s.kind === 'cosignature');
  return (
    <>
      <ul class="signatures">
        {cp.signatures
          .filter((s) => s.kind === 'log')
          .map((s) => (
            <li>
              Signed by the log key <code>{`${s.keyName}+${s.keyId}`}</code> {s.verified ? <span class="badge published">verified</span> : <span class="badge bad">not verified</span>}
            </li>
          ))}
        {cosigs.map((s) => (
          <li data-witness={s.witness ?? s.keyName}>
            Cosigned by {s.witness ? <strong>{s.witness}</strong> : <code>{s.keyName}</code>} at {formatDateTime(s.time!)} ({formatAge(s.time!, now)}){' '}
            {s.verified ? <span class="badge published">verified</span> : <span class="badge">not in this log's policy; not checked</span>}
          </li>
        ))}
      </ul>
      {cosigs.length === 0 ? <p class="muted">No witness cosigns this log's checkpoints yet: its policy has no witnesses.</p> : null}
      {cp.problem ? (
        <div class="alert error" role="alert">
          <p>The checkpoint's signatures could not be checked: {cp.problem}</p>
        </div>
      ) : null}
    </>
  );
}

function CheckpointSection({ cp, now }: { cp: CheckpointView; now: Date }) {
  return (
    <>
      <dl class="summary">
        <dt>Log</dt>
        <dd>
          <code>{cp.origin}</code>
        </dd>
        <dt>Size</dt>
        <dd data-size={cp.size}>
          {cp.size.toLocaleString('en-US')} {cp.size === 1 ? 'entry' : 'entries'}
        </dd>
        <dt>Root hash</dt>
        <dd>
          <code class="hash">{cp.root}</code>
        </dd>
      </dl>
      <Signatures cp={cp} now={now} />
      <details>
        <summary>The signed checkpoint, as served at /log/checkpoint</summary>
        <pre>{cp.note}</pre>
      </details>
    </>
  );
}

export function LogPage({ cp, points, policy, publicUrl, now }: { cp: CheckpointView | null; points: GrowthPoint[]; policy: string; publicUrl: string; now: Date }) {
  return (
    <Layout title="The transparency log" section="log">
      <p class="lead">
        Every binding of a key to an address, and every change or removal, is an entry in this append-only Merkle log. The log signs a checkpoint of its
        state; witnesses cosign it only if it extends the checkpoints they saw before. Entries hold no address and no key, only hashes.
      </p>
      <section aria-labelledby="cp-h">
        <h2 id="cp-h">Current checkpoint</h2>
        {cp === null ? (
          <div class="alert error" role="status">
            <p>No checkpoint is served yet: the log is waiting for its witnesses to cosign one (the quorum in the policy below).</p>
          </div>
        ) : (
          <CheckpointSection cp={cp} now={now} />
        )}
      </section>
      <section aria-labelledby="growth-h">
        <h2 id="growth-h">Size over time</h2>
        <LogChart points={points} now={now} />
      </section>
      <section aria-labelledby="policy-h">
        <h2 id="policy-h">Policy</h2>
        <p>
          Clients check lookups against this policy: the log's key, its VRF key, and the witnesses whose cosignatures they require.{' '}
          <a href="/api/v1/policy" download="glasskey-policy.txt">
            Download the policy
          </a>
          .
        </p>
        <pre class="policy">{policy}</pre>
      </section>
      <section aria-labelledby="monitor-h">
        <h2 id="monitor-h">Watch your address</h2>
        <p>
          A monitor follows the log from checkpoint to checkpoint, checks that each extends the previous one, and alerts you if any entry binds a key you did
          not expect to your address. Run it where you like (it needs only the verifier package):
        </p>
        <pre>
          <code>{`npx glasskey-verify monitor --server ${publicUrl} --address you@example.org --expect <your key's fingerprint> --interval 300`}</code>
        </pre>
        <p>
          To check a single lookup: <code>{`npx glasskey-verify lookup alice@example.org --server ${publicUrl}`}</code>. The log itself is served as{' '}
          <a href="https://c2sp.org/tlog-tiles">tlog-tiles</a> under <code>/log/</code>, starting at <a href="/log/checkpoint">/log/checkpoint</a>.
        </p>
      </section>
    </Layout>
  );
}

export function logPageHandler(svc: Services) {
  return async (c: Context) => {
    const served = servedCheckpointView(svc).catch((err) => {
      if (err instanceof ApiError && err.code === 'no-checkpoint') return null;
      throw err;
    });
    const [cp, points] = await Promise.all([served, logGrowth(svc.sql)]);
    return sendPage(c, <LogPage cp={cp} points={points} policy={logPolicy(svc)} publicUrl={svc.config.publicUrl} now={svc.now()} />);
  };
}
