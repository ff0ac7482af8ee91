// `npm start`: runs the whole directory on its embedded defaults (or what the environment
// says; see README.md), prints where it listens, the log's vkey and VRF key, and where mail
// goes. SIGINT/SIGTERM stop it cleanly: no new requests, in-flight ones and the current
// integration finish, the mail queue and the embedded database stop, exit 0.
import { base64Encode } from '@glasskey/verifier';
import { ConfigError, loadConfig } from './config.ts';
import { startService } from './start.ts';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`glasskey: configuration error: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
  console.log(`glasskey: starting (data directory ${config.dataDir}${config.databaseUrl ? ', external PostgreSQL' : ', embedded PostgreSQL'})`);
  const service = await startService(config);
  console.log(
    [
      `glasskey: listening on ${service.url}`,
      `  public URL   ${config.publicUrl}`,
      `  log origin   ${config.origin}`,
      `  log vkey     ${service.keys.signer.vkey}`,
      `  VRF key      ${base64Encode(service.keys.vrfPublicKey)}`,
      `  keys from    log: ${service.keys.sources.log}; VRF: ${service.keys.sources.vrf}`,
      `  mail         ${service.mailTarget}`,
      `  policy       ${config.publicUrl}/api/v1/policy`,
    ].join('\n'),
  );
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`glasskey: ${signal} received, stopping`);
    const force = setTimeout(() => {
      console.error('glasskey: did not stop within 30 s, exiting');
      process.exit(1);
    }, 30_000);
    force.unref();
    await service.stop();
    console.log('glasskey: stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err) => {
  console.error('glasskey: could not start:', err instanceof Error ? err.message : err);
  if (process.env.GLASSKEY_DEBUG) console.error(err);
  process.exit(1);
});
