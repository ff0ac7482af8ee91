// OpenPGP test certificates made with the openpgp package: gpg-readable ed25519Legacy v4
// keys by default, other kinds on request.
import * as openpgp from 'openpgp';

export interface TestKey {
  armored: string;
  privateKey: openpgp.PrivateKey;
  fingerprint: string;
}

export async function makeKey(
  userIDs: { name?: string; email: string }[],
  opts: { type?: 'ecc' | 'rsa' | 'curve25519'; curve?: 'ed25519Legacy'; rsaBits?: number; v6?: boolean; keyExpirationTime?: number } = {},
): Promise<TestKey> {
  const type = opts.type ?? 'ecc';
  const { privateKey, publicKey } = await openpgp.generateKey({
    userIDs,
    type: type as 'ecc',
    ...(type === 'ecc' ? { curve: opts.curve ?? 'ed25519Legacy' } : {}),
    ...(type === 'rsa' ? { rsaBits: opts.rsaBits ?? 2048 } : {}),
    keyExpirationTime: opts.keyExpirationTime,
    format: 'armored',
    config: opts.v6 ? { v6Keys: true } : undefined,
  });
  const priv = await openpgp.readPrivateKey({ armoredKey: privateKey });
  return { armored: publicKey, privateKey: priv, fingerprint: priv.getFingerprint().toUpperCase() };
}
