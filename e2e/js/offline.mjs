// xmtp-js identities made offline, exactly as Client.create makes them (keys generated, the private
// key bundle encrypted with the wallet's signature and "published" to a capturing stub), with an
// in-memory keystore and a Client on them. Shared by kat-vectors.mjs and bench-crypto.mjs.
import { Client, KeyGeneratorKeystoreProvider } from '@xmtp/xmtp-js/node/cjs';
import { createRequire } from 'node:module';
import { privateKeyToAccount } from 'viem/accounts';

const require = createRequire(import.meta.url);
const { TextCodec } = require('@xmtp/content-type-text');

export async function offlineIdentity(walletKey, codecs = []) {
  const account = privateKeyToAccount(walletKey);
  const signer = {
    getAddress: async () => account.address,
    signMessage: async (message) => account.signMessage({ message: typeof message === 'string' ? message : { raw: message } }),
  };
  const published = [];
  const stubApi = { publish: async (envs) => published.push(...envs), setAuthenticator: () => {} };
  const keystore = await new KeyGeneratorKeystoreProvider().newKeystore({ persistConversations: false }, stubApi, signer);
  const keys = await keystore.getPrivateKeyBundle();
  const client = new Client(keys.getPublicKeyBundle(), stubApi, undefined, keystore);
  client.registerCodec(new TextCodec());
  codecs.forEach((c) => client.registerCodec(c));
  return { account, client, keystore, keys, published };
}
