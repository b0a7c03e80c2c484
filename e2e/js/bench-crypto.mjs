// Microseconds per encrypt+sign and per decrypt+verify of one short text message, V1 and V2, in the
// real @xmtp/xmtp-js 13.0.4, offline; the Java client's CryptoBenchmark measures the same operations.
// Prints one JSON line. Usage: node bench-crypto.mjs [iterations]
import { ConversationV1, ConversationV2, SignedPublicKeyBundle } from '@xmtp/xmtp-js/node/cjs';
import { generatePrivateKey } from 'viem/accounts';
import { offlineIdentity } from './offline.mjs';

const n = Number(process.argv[2] ?? 2000);
const alice = await offlineIdentity(generatePrivateKey());
const bob = await offlineIdentity(generatePrivateKey());
const aliceAddress = alice.account.address;
const bobAddress = bob.account.address;
const sent = new Date(1_700_000_000_000);

const v1Send = new ConversationV1(alice.client, bobAddress, sent);
const v1Receive = new ConversationV1(bob.client, aliceAddress, sent);
const bobBundle = bob.keys.getPublicKeyBundle();

const { payload, conversation } = await alice.keystore.createInvite({
  recipient: SignedPublicKeyBundle.fromLegacyBundle(bobBundle), createdNs: alice.keys.identityKey.timestamp.mul(1_000_000), context: undefined,
});
await bob.keystore.saveInvites({ requests: [{ payload, timestampNs: conversation.createdNs, contentTopic: 'x' }] });
const v2Send = new ConversationV2(alice.client, conversation.topic, bobAddress, sent, undefined, undefined);
const v2Receive = new ConversationV2(bob.client, conversation.topic, aliceAddress, sent, undefined, undefined);

async function perOp(op) {
  for (let i = 0; i < n; i++) await op(i);
  const start = performance.now();
  for (let i = 0; i < n; i++) await op(i);
  return ((performance.now() - start) * 1000) / n;
}
const envelope = (topic, bytes) => ({ contentTopic: topic, message: bytes, timestampNs: String(sent.getTime() * 1e6) });

const v1 = [];
const v2 = [];
const v1Seal = await perOp(async (i) => {
  const { payload: p } = await alice.client.encodeContent(`hello from the benchmark ${i}`);
  v1[i] = (await v1Send.createMessage(p, bobBundle, sent)).toBytes();
});
const v1Open = await perOp(async (i) => { await v1Receive.decodeMessage(envelope(v1Send.topic, v1[i])); });
const v2Seal = await perOp(async (i) => {
  const { payload: p, shouldPush } = await alice.client.encodeContent(`hello from the benchmark ${i}`);
  v2[i] = (await v2Send.createMessage(p, shouldPush, sent)).toBytes();
});
const v2Open = await perOp(async (i) => { await v2Receive.decodeMessage(envelope(conversation.topic, v2[i])); });

const r = (x) => Math.round(x * 10) / 10;
console.log(JSON.stringify({ sdk: `@xmtp/xmtp-js 13.0.4 (Node ${process.version})`, iterations: n,
  v1EncryptSignUs: r(v1Seal), v1DecryptVerifyUs: r(v1Open), v2EncryptSignUs: r(v2Seal), v2DecryptVerifyUs: r(v2Open) }));
