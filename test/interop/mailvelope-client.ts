// What the Mailvelope extension's keyserver client (src/modules/mveloKeyServer.js in
// mailvelope/mailvelope, v6.2) does over the network, written again for the tests against a
// base URL of our choosing: the same URLs (query built with encodeURIComponent, a leading 0x
// dropped from key IDs and fingerprints), the same request bodies and headers, the same
// checks of the answer (200 only for lookups, any 2xx for upload and removal), and for a
// lookup by email the same treatment of the key: openpgp.js readKey on publicKeyArmored,
// then only the user IDs whose address equals the queried one (compared in lower case).
import * as openpgp from 'openpgp';

export interface MailvelopeQuery {
  email?: string;
  keyId?: string;
  fingerprint?: string;
}

function removeHexPrefix(id: string): string {
  return id.startsWith('0x') ? id.slice(2) : id;
}

export class MailvelopeClientError extends Error {
  constructor(
    message: string,
    readonly response: Response,
  ) {
    super(message);
  }
}

export function mailvelopeClient(baseUrl: string) {
  function url({ email, keyId, fingerprint }: MailvelopeQuery = {}): string {
    const base = `${baseUrl}/api/v1/key`;
    if (email) return `${base}?email=${encodeURIComponent(email)}`;
    if (fingerprint) return `${base}?fingerprint=${encodeURIComponent(removeHexPrefix(fingerprint))}`;
    if (keyId) return `${base}?keyId=${encodeURIComponent(removeHexPrefix(keyId))}`;
    return base;
  }

  function checkStatus(response: Response): Response {
    if (response.status >= 200 && response.status < 300) return response;
    throw new MailvelopeClientError(response.statusText || 'Upload to Mailvelope key server failed.', response);
  }

  /** The user IDs of `key` whose address is `email` (the extension's filterUserIdsByEmail). */
  function filterUserIdsByEmail(key: openpgp.PublicKey, email: string | undefined): openpgp.PublicKey {
    if (!email) return key;
    key.users = key.users.filter((user) => {
      if (!user.userID) return false;
      return (user.userID.email ?? '').toLowerCase() === email.toLowerCase();
    });
    return key;
  }

  return {
    url,
    /** lookup(): the armored key with only the queried address's user IDs, or undefined. */
    async lookup(query: MailvelopeQuery): Promise<{ armored: string; date: Date; json: Record<string, any> } | undefined> {
      const response = await fetch(url(query));
      let jsonKey: Record<string, any> | undefined;
      if (response.status === 200) jsonKey = (await response.json()) as Record<string, any>;
      if (!jsonKey) return undefined;
      const key = await openpgp.readKey({ armoredKey: jsonKey.publicKeyArmored });
      const filtered = filterUserIdsByEmail(key, query.email);
      if (!filtered.users.length) throw new Error(`mveloKeyServer: Response '${jsonKey}': contained no matching userIds.`);
      return { armored: filtered.armor(), date: new Date(), json: jsonKey };
    },
    /** fetch(): the key object by key ID or fingerprint, or undefined. */
    async fetch(query: MailvelopeQuery): Promise<Record<string, any> | undefined> {
      const response = await fetch(url(query));
      if (response.status === 200) return (await response.json()) as Record<string, any>;
      return undefined;
    },
    async upload({ emails, publicKeyArmored }: { emails?: string[]; publicKeyArmored: string }): Promise<Response> {
      const body: Record<string, unknown> = { publicKeyArmored };
      if (emails) body.emails = emails;
      const response = await fetch(url(), { method: 'POST', headers: new Headers({ 'Content-Type': 'application/json' }), body: JSON.stringify(body) });
      return checkStatus(response);
    },
    async remove(query: MailvelopeQuery): Promise<Response> {
      return checkStatus(await fetch(url(query), { method: 'DELETE' }));
    },
  };
}
