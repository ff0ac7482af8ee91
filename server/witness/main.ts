// `npm run witness`: starts a c2sp.org/tlog-witness v1.0.0 witness from the environment
// (server/witness/README.md) and prints its vkey; stops cleanly on SIGINT/SIGTERM.
import { loadWitnessConfig } from './config.ts';
import { startWitness } from './start.ts';

async function main(): Promise<void> {
  const config = loadWitnessConfig();
  const witness = await startWitness(config);
  console.log(`glasskey witness listening on ${witness.url}`);
  console.log(`  vkey: ${witness.vkey}`);
  console.log(`  key:  ${witness.keySource}`);
  console.log(`  logs: ${[...witness.logs.keys()].join(', ') || '(none)'} (from ${config.logsFile})`);
  console.log(`  database: ${config.databaseUrl ? 'WITNESS_DATABASE_URL' : `embedded PostgreSQL in ${config.dataDir}`}`);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await witness.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err) => {
  console.error(err instanceof Error && err.name.endsWith('ConfigError') ? err.message : err);
  process.exit(1);
});
