import { Worker, isMainThread, parentPort } from 'node:worker_threads';
if (isMainThread) {
  const boot = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((m) => { m.register(); return import(${JSON.stringify(import.meta.url)}); })`;
  const w = new Worker(boot, { eval: true });
  w.on('message', (m) => { console.log('got', m); w.terminate(); });
  w.on('error', (e) => console.error('err', e));
} else {
  const { vrfKeygen } = await import('../log/vrf.ts');
  parentPort!.postMessage(vrfKeygen().publicKey.length);
}
