// Known-answer vectors made by the real @xmtp/xmtp-js 13.0.4, offline (no node is contacted), for
// the Java client's unit tests. Wallet keys are fixed; the SDK draws every other key at random, so
// each run gives new, equally valid vectors. Regenerate with:
//   node kat-vectors.mjs > ../../xmtp-client/src/test/resources/xmtp-js-vectors.json
import {
  Compression,
  ConversationV1,
  ConversationV2,
  LocalAuthenticator,
  SignedPublicKeyBundle,
} from '@xmtp/xmtp-js/node/cjs';
import { createRequire } from 'node:module';
import { keccak256, toHex } from 'viem';
import { offlineIdentity } from './offline.mjs';

const require = createRequire(import.meta.url);
const { contact } = require('@xmtp/proto');
const { ContentTypeId } = require('@xmtp/content-type-primitives');

const b64 = (bytes) => Buffer.from(bytes).toString('base64');
const hex = (bytes) => Buffer.from(bytes).toString('hex');

// A codec the Java side does not know: its messages must show their fallback text there.
const ContentTypeNumber = new ContentTypeId({ authorityId: 'example.org', typeId: 'number', versionMajor: 1, versionMinor: 0 });
const numberCodec = {
  contentType: ContentTypeNumber,
  encode: (n) => ({ type: ContentTypeNumber, parameters: {}, content: new TextEncoder().encode(String(n)) }),
  decode: (c) => Number(new TextDecoder().decode(c.content)),
  fallback: (n) => `a number: ${n}`,
  shouldPush: () => false,
};

// An identity made the way Client.create makes one, from a fixed wallet key.
async function identity(name) {
  const walletKey = keccak256(toHex(`xmtp-java known-answer wallet ${name}`));
  const { account, client, keystore, keys, published } = await offlineIdentity(walletKey, [numberCodec]);
  const v1 = keys.getPublicKeyBundle();
  const v2 = SignedPublicKeyBundle.fromLegacyBundle(v1);
  return {
    client,
    keystore,
    keys,
    out: {
      walletKey,
      address: account.address,
      storedKeyBundle: b64(published[0].message),
      storedKeyBundleTopic: published[0].contentTopic,
      privateKeyBundle: b64(keys.encode()),
      identityKey: b64(v1.identityKey.secp256k1Uncompressed.bytes),
      preKey: b64(v1.preKey.secp256k1Uncompressed.bytes),
      contactV1: b64(contact.ContactBundle.encode({ v1: { keyBundle: v1 }, v2: undefined }).finish()),
      contactV2: b64(contact.ContactBundle.encode({ v1: undefined, v2: { keyBundle: v2 } }).finish()),
    },
  };
}

const alice = await identity('alice');
const bob = await identity('bob');
const sent = new Date(1_700_000_000_000);

async function v2Message(convo, content, options) {
  const { payload, shouldPush } = await alice.client.encodeContent(content, options);
  const msg = await convo.createMessage(payload, shouldPush, sent);
  return { message: b64(msg.toBytes()), senderHmac: b64(msg.senderHmac), shouldPush };
}

// ---- V1: Alice to Bob
const v1Convo = new ConversationV1(alice.client, bob.out.address, sent);
const v1Payload = (await alice.client.encodeContent('hello from xmtp-js over V1')).payload;
const v1Msg = await v1Convo.createMessage(v1Payload, bob.keys.getPublicKeyBundle(), sent);
const v1Check = await new ConversationV1(bob.client, alice.out.address, sent).decodeMessage({
  contentTopic: v1Convo.topic, message: v1Msg.toBytes(), timestampNs: String(sent.getTime() * 1e6),
});
if (v1Check.content !== 'hello from xmtp-js over V1') throw new Error('V1 self-check failed');

// ---- V2: Alice invites Bob (with and without a context), then writes
const createdNs = BigInt(sent.getTime()) * 1_000_000n;
const bobV2 = SignedPublicKeyBundle.fromLegacyBundle(bob.keys.getPublicKeyBundle());
const context = { conversationId: 'xmtp.org/kat/1', metadata: { purpose: 'known answers' } };
const invites = [];
for (const ctx of [undefined, context]) {
  const { payload, conversation } = await alice.keystore.createInvite({
    recipient: bobV2, createdNs: alice.keys.identityKey.timestamp.constructor.fromString(String(createdNs)), context: ctx,
  });
  const saved = await bob.keystore.saveInvites({
    requests: [{ payload, timestampNs: conversation.createdNs, contentTopic: `/xmtp/0/invite-${bob.out.address}/proto` }],
  });
  if (saved.responses[0].result?.conversation?.topic !== conversation.topic) throw new Error('V2 self-check failed');
  const keyMaterial = alice.keystore.lookupTopic(conversation.topic).invitation.aes256GcmHkdfSha256.keyMaterial;
  invites.push({ sealedInvitation: b64(payload), createdNs: String(createdNs), topic: conversation.topic,
    keyMaterial: b64(keyMaterial), conversationId: ctx?.conversationId ?? '', metadata: ctx?.metadata ?? {} });
}
const v2Convo = new ConversationV2(alice.client, invites[0].topic, bob.out.address, sent, undefined, undefined);
const thirtyDayPeriod = Math.floor(Date.now() / 1000 / 60 / 60 / 24 / 30);
const long = 'xmtp '.repeat(60);
const v2 = {
  text: { content: 'hello from xmtp-js over V2', ...(await v2Message(v2Convo, 'hello from xmtp-js over V2')) },
  deflate: { content: long, ...(await v2Message(v2Convo, long, { compression: Compression.COMPRESSION_DEFLATE })) },
  gzip: { content: long, ...(await v2Message(v2Convo, long, { compression: Compression.COMPRESSION_GZIP })) },
  unknownType: { fallback: 'a number: 42', ...(await v2Message(v2Convo, 42, { contentType: ContentTypeNumber })) },
  thirtyDayPeriod,
};

// ---- consent: Alice's private preferences
const allow = await alice.keystore.createPrivatePreference({ allowAddress: { walletAddresses: [bob.out.address] } });
const deny = await alice.keystore.createPrivatePreference({ denyAddress: { walletAddresses: [bob.out.address] } });

// ---- auth token at a fixed time (RFC 6979 signatures make it reproducible)
const token = await new LocalAuthenticator(alice.keys.identityKey).createToken(sent);

console.log(JSON.stringify({
  sdk: '@xmtp/xmtp-js 13.0.4',
  alice: alice.out,
  bob: bob.out,
  sentMs: sent.getTime(),
  token: token.toBase64(),
  v1: { topic: v1Convo.topic, message: b64(v1Msg.toBytes()), content: 'hello from xmtp-js over V1' },
  invites,
  v2,
  consent: {
    topic: allow[0].contentTopic,
    allow: b64(allow[0].message),
    deny: b64(deny[0].message),
    subject: bob.out.address,
  },
}, null, 2));
