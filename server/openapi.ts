// The OpenAPI 3.1 description of every HTTP endpoint, served at /api/v1/openapi.json.
// Keep it next to the routes it describes: test/e2e/openapi.test.ts checks that each route
// the app answers is listed here and that each listed path answers.

const error = { $ref: '#/components/responses/Error' };
const text = (description: string) => ({ description, content: { 'text/plain': { schema: { type: 'string' } } } });
const pgpKeys = { description: 'The certificate, ASCII-armored', content: { 'application/pgp-keys': { schema: { type: 'string' } } } };
const emailQuery = { name: 'email', in: 'query', required: true, schema: { type: 'string', format: 'email' }, description: 'An email address (normalized: trimmed, lowercased, IDN as punycode)' };

export function openApiDocument(serverUrl: string) {
  return {
    openapi: '3.1.0',
    info: {
      title: 'glasskey',
      version: '1',
      description:
        'An OpenPGP key directory whose verified bindings are appended to a Merkle transparency log (c2sp.org tlog-checkpoint, tlog-tiles, tlog-proof, tlog-witness). Lookups by email come with a proof that @glasskey/verifier checks.',
    },
    servers: [{ url: serverUrl }],
    paths: {
      '/api/v1/lookup': {
        get: {
          summary: 'The certificate bound to an address, with its log entry and proof',
          parameters: [emailQuery],
          responses: {
            '200': { description: 'Bound', content: { 'application/json': { schema: { $ref: '#/components/schemas/Lookup' } } } },
            '400': error,
            '404': error,
          },
        },
      },
      '/api/v1/history': {
        get: {
          summary: 'Every entry ever logged for an address (what a monitor needs)',
          parameters: [emailQuery],
          responses: { '200': { description: 'History', content: { 'application/json': { schema: { $ref: '#/components/schemas/History' } } } }, '400': error },
        },
      },
      '/api/v1/policy': { get: { summary: "The log's policy: log vkey, VRF key, witnesses and quorum", responses: { '200': text('Policy text (DESIGN.md format)') } } },
      '/api/v1/proof/consistency': {
        get: {
          summary: 'A consistency proof between two tree sizes, for clients that do not read tiles',
          parameters: [
            { name: 'old', in: 'query', required: true, schema: { type: 'integer', minimum: 0 } },
            { name: 'new', in: 'query', required: true, schema: { type: 'integer', minimum: 0 }, description: 'At most the served checkpoint size' },
          ],
          responses: {
            '200': {
              description: 'Proof',
              content: { 'application/json': { schema: { type: 'object', properties: { old: { type: 'integer' }, new: { type: 'integer' }, proof: { type: 'array', items: { type: 'string', contentEncoding: 'base64' } } } } } },
            },
            '400': error,
          },
        },
      },
      '/api/v1/manage': {
        post: {
          summary: 'Ask for removal of an address: mails a single-use removal link if it is bound',
          requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', required: ['email'], properties: { email: { type: 'string' } } } } } },
          responses: { '202': { description: 'Accepted (the same answer whether or not the address is bound)' }, '400': error, '403': error, '429': error },
        },
      },
      '/api/v1/key': {
        get: {
          summary: "Mailvelope keyserver API: the key for an address, fingerprint or key ID (give exactly one). By email the object is also a /api/v1/lookup answer, proofs included",
          parameters: [
            { name: 'email', in: 'query', schema: { type: 'string', format: 'email' } },
            { name: 'fingerprint', in: 'query', schema: { type: 'string', pattern: '^(0x)?([0-9A-Fa-f]{40}|[0-9A-Fa-f]{64})$' } },
            { name: 'keyId', in: 'query', schema: { type: 'string', pattern: '^(0x)?[0-9A-Fa-f]{16}$' } },
          ],
          responses: {
            '200': { description: 'The key', content: { 'application/json': { schema: { $ref: '#/components/schemas/MailvelopeKey' } } } },
            '400': error,
            '404': error,
            '409': error,
          },
        },
        post: {
          summary: 'Mailvelope keyserver API: upload a certificate; mails a verification link to each of its addresses not yet published (or only to `emails`)',
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: { type: 'object', required: ['publicKeyArmored'], properties: { publicKeyArmored: { type: 'string' }, emails: { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 32 } } },
              },
            },
          },
          responses: {
            '201': { description: 'Stored; what was mailed', content: { 'application/json': { schema: { $ref: '#/components/schemas/MailvelopeUpload' } } } },
            '400': error,
            '403': error,
            '413': error,
            '422': error,
            '429': error,
          },
        },
        delete: {
          summary: 'Mailvelope keyserver API: mail a removal link to the address, or to every address bound to the key ID (give exactly one)',
          parameters: [
            { name: 'email', in: 'query', schema: { type: 'string', format: 'email' } },
            { name: 'keyId', in: 'query', schema: { type: 'string', pattern: '^(0x)?[0-9A-Fa-f]{16}$' } },
          ],
          responses: {
            '202': { description: 'Removal links mailed (by email: the same answer whether or not the address is bound)', content: { 'application/json': { schema: { type: 'object', properties: { message: { type: 'string' }, mailed: { type: 'array', items: { type: 'string' } }, rateLimited: { type: 'array', items: { type: 'string' } } } } } } },
            '400': error,
            '403': error,
            '404': error,
            '429': error,
          },
        },
      },
      '/api/v1/openapi.json': { get: { summary: 'This document', responses: { '200': { description: 'OpenAPI 3.1', content: { 'application/json': {} } } } } },
      '/vks/v1/upload': {
        post: {
          summary: 'Upload a certificate (keys.openpgp.org VKS)',
          requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', required: ['keytext'], properties: { keytext: { type: 'string', description: 'Armored, or base64 of binary' } } } } } },
          responses: { '200': { description: 'Stored', content: { 'application/json': { schema: { $ref: '#/components/schemas/UploadResult' } } } }, '400': error, '403': error, '413': error, '422': error, '429': error },
        },
      },
      '/vks/v1/request-verify': {
        post: {
          summary: 'Mail a verification link to addresses of an uploaded certificate',
          requestBody: {
            required: true,
            content: { 'application/json': { schema: { type: 'object', required: ['token', 'addresses'], properties: { token: { type: 'string' }, addresses: { type: 'array', items: { type: 'string' }, maxItems: 32 } } } } },
          },
          responses: { '200': { description: 'Mails queued', content: { 'application/json': { schema: { $ref: '#/components/schemas/UploadResult' } } } }, '400': error, '403': error, '404': error, '422': error, '429': error },
        },
      },
      '/vks/v1/by-email/{email}': { get: { summary: 'Certificate bound to an address (only that address’s user IDs)', parameters: [{ name: 'email', in: 'path', required: true, schema: { type: 'string' } }], responses: { '200': pgpKeys, '400': error, '404': error } } },
      '/vks/v1/by-fingerprint/{fingerprint}': { get: { summary: 'Certificate by primary or subkey fingerprint (verified user IDs only)', parameters: [{ name: 'fingerprint', in: 'path', required: true, schema: { type: 'string', pattern: '^[0-9A-Fa-f]{40}([0-9A-Fa-f]{24})?$' } }], responses: { '200': pgpKeys, '400': error, '404': error } } },
      '/vks/v1/by-keyid/{keyid}': { get: { summary: 'Certificates by 64-bit key ID (primary or subkey)', parameters: [{ name: 'keyid', in: 'path', required: true, schema: { type: 'string', pattern: '^[0-9A-Fa-f]{16}$' } }], responses: { '200': pgpKeys, '400': error, '404': error } } },
      '/pks/lookup': {
        get: {
          summary: 'HKP lookup: exact address, 0x + 16-hex key ID, or 0x + fingerprint; never substring search',
          parameters: [
            { name: 'op', in: 'query', schema: { type: 'string', enum: ['get', 'index', 'vindex'] } },
            { name: 'search', in: 'query', required: true, schema: { type: 'string' } },
            { name: 'options', in: 'query', schema: { type: 'string' }, description: 'mr for the machine-readable index' },
          ],
          responses: { '200': { description: 'Armored keys (get) or the machine-readable index', content: { 'application/pgp-keys': {}, 'text/plain': {} } }, '400': text('Bad search, or an op other than get, index, vindex'), '404': text('No key') },
        },
      },
      '/pks/add': {
        post: {
          summary: 'HKP upload (form field keytext; up to 10 certificates); mails a link to each new address',
          requestBody: { required: true, content: { 'application/x-www-form-urlencoded': { schema: { type: 'object', properties: { keytext: { type: 'string' } } } } } },
          responses: { '200': text('One line per certificate and case: which addresses were mailed a verification link, and why the others were not'), '400': text('Error'), '403': text('Sent by a web page of another site'), '413': text('Too large'), '422': text('Refused'), '429': text('Rate limited') },
        },
      },
      '/.well-known/openpgpkey/hu/{hash}': { get: { summary: 'WKD direct method (domain from Host)', parameters: [{ name: 'hash', in: 'path', required: true, schema: { type: 'string' } }, { name: 'l', in: 'query', required: true, schema: { type: 'string' } }], responses: { '200': { description: 'Binary certificate', content: { 'application/octet-stream': {} } }, '404': text('Not found') } } },
      '/.well-known/openpgpkey/{domain}/hu/{hash}': { get: { summary: 'WKD advanced method', parameters: [{ name: 'domain', in: 'path', required: true, schema: { type: 'string' } }, { name: 'hash', in: 'path', required: true, schema: { type: 'string' } }, { name: 'l', in: 'query', required: true, schema: { type: 'string' } }], responses: { '200': { description: 'Binary certificate', content: { 'application/octet-stream': {} } }, '404': text('Not found') } } },
      '/.well-known/openpgpkey/policy': { get: { summary: 'WKD policy file (direct method)', responses: { '200': text('Empty policy'), '404': text('Domain not served') } } },
      '/.well-known/openpgpkey/{domain}/policy': { get: { summary: 'WKD policy file (advanced method)', parameters: [{ name: 'domain', in: 'path', required: true, schema: { type: 'string' } }], responses: { '200': text('Empty policy'), '404': text('Domain not served') } } },
      '/log/checkpoint': { get: { summary: 'The served checkpoint (c2sp.org/tlog-checkpoint signed note with cosignatures)', responses: { '200': text('Signed note') } } },
      '/log/tile/{level}/{index}': {
        get: {
          summary: 'A hash tile (c2sp.org/tlog-tiles, height 8); partial tiles as .../<N>.p/<W>. Full tiles are immutable.',
          parameters: [{ name: 'level', in: 'path', required: true, schema: { type: 'integer' } }, { name: 'index', in: 'path', required: true, schema: { type: 'string' }, description: 'x-prefixed 3-digit groups, e.g. x001/234' }],
          responses: { '200': { description: 'Hashes', content: { 'application/octet-stream': {} } }, '404': text('No such tile') },
        },
      },
      '/log/tile/entries/{index}': {
        get: {
          summary: 'An entry bundle (102-byte entries, each prefixed by a u16 big-endian length)',
          parameters: [{ name: 'index', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { '200': { description: 'Entries', content: { 'application/octet-stream': {} } }, '404': text('No such tile') },
        },
      },
      '/verify/{token}': {
        get: { summary: 'The mailed link: shows what will be bound or removed, and a confirm button', parameters: [{ name: 'token', in: 'path', required: true, schema: { type: 'string' } }], responses: { '200': { description: 'HTML page' }, '404': { description: 'Unknown link' }, '410': { description: 'Used or expired link' } } },
        post: {
          summary: 'Confirm the link: appends the entry and answers once it is integrated (JSON with Accept: application/json)',
          parameters: [{ name: 'token', in: 'path', required: true, schema: { type: 'string' } }],
          responses: {
            '200': { description: 'Done', content: { 'application/json': { schema: { type: 'object', properties: { action: { type: 'string' }, address: { type: 'string' }, fingerprint: { type: 'string' }, index: { type: ['integer', 'null'] }, version: { type: ['integer', 'null'] } } } }, 'text/html': {} } },
            '404': error,
            '409': error,
            '410': error,
            '422': error,
          },
        },
      },
    },
    components: {
      responses: { Error: { description: 'Error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } } },
      schemas: {
        Error: { type: 'object', required: ['error', 'code'], properties: { error: { type: 'string', description: 'What went wrong, for people' }, code: { type: 'string', description: 'Stable machine-readable code (403 cross-site: a state-changing request sent by a web page of another site)' } } },
        Lookup: {
          type: 'object',
          required: ['email', 'certificate', 'entry', 'proof'],
          properties: {
            email: { type: 'string' },
            certificate: { type: 'string', description: 'ASCII-armored certificate: primary key, subkeys, revocations and only this address’s user IDs' },
            entry: { type: 'string', contentEncoding: 'base64', description: 'The 102-byte log entry' },
            proof: { type: 'string', description: 'c2sp.org/tlog-proof@v1 text; the extra line is the VRF proof of the address' },
          },
        },
        MailvelopeKey: {
          type: 'object',
          required: ['keyId', 'fingerprint', 'userIds', 'created', 'algorithm', 'keySize', 'publicKeyArmored'],
          description: 'The key object of the Mailvelope keyserver. By email it also carries every member of Lookup (email, certificate, entry, proof, ...), the proof for the same bytes as publicKeyArmored.',
          properties: {
            keyId: { type: 'string', description: '16 lower-case hex digits' },
            fingerprint: { type: 'string', description: '40 (v4) or 64 (v6) lower-case hex digits' },
            userIds: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, email: { type: 'string' }, verified: { type: 'boolean' } } }, description: 'The user IDs served (by email: only that address’s); all verified' },
            created: { type: 'string', format: 'date-time' },
            algorithm: { type: 'string', description: 'OpenPGP.js name of the primary key’s algorithm: rsaEncryptSign, eddsaLegacy, ed25519, ...' },
            keySize: { type: 'integer', description: 'Bits (modulus for RSA, curve size for elliptic curves)' },
            publicKeyArmored: { type: 'string' },
          },
        },
        MailvelopeUpload: {
          type: 'object',
          properties: {
            keyId: { type: 'string' },
            fingerprint: { type: 'string' },
            mailed: { type: 'array', items: { type: 'string' }, description: 'A verification link was mailed now' },
            rateLimited: { type: 'array', items: { type: 'string' }, description: 'Not mailed: a link went out too recently' },
            pending: { type: 'array', items: { type: 'string' }, description: 'Not mailed: the link mailed earlier still works' },
            published: { type: 'array', items: { type: 'string' } },
            revoked: { type: 'array', items: { type: 'string' } },
            message: { type: 'string' },
          },
        },
        History: {
          type: 'object',
          properties: {
            email: { type: 'string' },
            vrfProof: { type: 'string', contentEncoding: 'base64' },
            identity: { type: 'string', contentEncoding: 'base64' },
            entries: {
              type: 'array',
              items: { type: 'object', properties: { index: { type: ['integer', 'null'] }, version: { type: 'integer' }, action: { enum: ['bind', 'unbind'] }, entry: { type: 'string' }, certificate: { type: ['string', 'null'] } } },
            },
          },
        },
        UploadResult: {
          type: 'object',
          properties: {
            key_fpr: { type: 'string' },
            status: { type: 'object', additionalProperties: { enum: ['unpublished', 'pending', 'published', 'revoked'] } },
            token: { type: 'string' },
          },
        },
      },
    },
  };
}
