// Prints, as one JSON line, artefacts made by the real @xmtp/xmtp-js SDK for a fresh wallet: an auth
// token and the wallet's V1 and V2 contact bundles (base64), so the Java tests verify real SDK output.
// Usage: node artifacts.mjs
import { createRequire } from 'node:module';
import { LocalAuthenticator, PrivateKeyBundleV1, SignedPublicKeyBundle } from '@xmtp/xmtp-js/node/cjs';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';

const require = createRequire(import.meta.url);
const { contact } = require('@xmtp/proto');

const account = privateKeyToAccount(generatePrivateKey());
// the SDK's Signer: a local key signs; nothing goes to a chain
const signer = {
  getAddress: async () => account.address,
  signMessage: async (message) =>
    account.signMessage({ message: typeof message === 'string' ? message : { raw: message } }),
};

const keys = await PrivateKeyBundleV1.generate(signer);
const token = await new LocalAuthenticator(keys.identityKey).createToken();
const v1 = keys.getPublicKeyBundle();
const v2 = SignedPublicKeyBundle.fromLegacyBundle(v1);
const b64 = (bytes) => Buffer.from(bytes).toString('base64');

console.log(JSON.stringify({
  wallet: account.address,
  token: token.toBase64(),
  identityKey: b64(v1.identityKey.secp256k1Uncompressed.bytes),
  preKey: b64(v1.preKey.secp256k1Uncompressed.bytes),
  contactV1: b64(contact.ContactBundle.encode({ v1: { keyBundle: v1 }, v2: undefined }).finish()),
  contactV2: b64(contact.ContactBundle.encode({ v1: undefined, v2: { keyBundle: v2 } }).finish()),
}));
