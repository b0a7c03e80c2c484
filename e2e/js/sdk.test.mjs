// End-to-end tests: the real, unmodified @xmtp/xmtp-js SDK (13.0.4) against an
// XMTP node serving message API v1 over REST/JSON, or over gRPC with the SDK's
// gRPC transport (@xmtp/grpc-api-client 0.2.8 as its apiClientFactory) when
// XMTP_GRPC_URL is set (host:port; the client connects in plaintext only to an
// address that contains "localhost", as it does for its own local network).
//
//   XMTP_API_URL=http://127.0.0.1:5555 npm test
//   XMTP_API_URL=http://127.0.0.1:5555 XMTP_GRPC_URL=localhost:5556 npm test
//
// Every run uses fresh random wallets, so the suite can be run repeatedly
// against the same node. Wallet signing is local (viem local accounts); the
// only network peer is the node under test.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';

import {
  Client,
  ConversationV1,
  ConversationV2,
  HttpApiClient,
  PrivateKeyBundleV1,
  PublicKeyBundle,
  SignedPublicKeyBundle,
  SortDirection,
} from '@xmtp/xmtp-js/node/cjs';
import { GrpcApiClient } from '@xmtp/grpc-api-client';
import { createWalletClient, custom } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';

const API_URL = (process.env.XMTP_API_URL ?? 'http://127.0.0.1:5555').replace(/\/+$/, '');
// The SDK's transport: gRPC when a gRPC address is given (the REST API still serves the key directory
// checks and a REST client in the mixed conversation).
const GRPC_URL = process.env.XMTP_GRPC_URL;
const TRANSPORT = GRPC_URL ? 'grpc' : 'rest';
const STREAM_TIMEOUT_MS = 20_000; // longest wait for one stream item
const REQUEST_TIMEOUT_MS = 10_000; // longest wait for one plain HTTP request
const TEST_TIMEOUT_MS = 60_000; // node:test per-test cap
const RUN_ID = randomUUID();

// ---------------------------------------------------------------------------
// Safety net: the SDK calls the global fetch() without a timeout for publish,
// query and batch-query. A node that accepts a connection but never answers
// would hang the suite, so give every request that has no AbortSignal of its
// own a deadline. Subscriptions bring their own signal and stay unlimited.
const realFetch = globalThis.fetch;
globalThis.fetch = (input, init = {}) =>
  realFetch(input, init.signal ? init : { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });

// ---------------------------------------------------------------------------
// An ApiClient that behaves exactly like the SDK's HttpApiClient or the gRPC
// client (it *is* one), but also records, per client, the order in which
// envelopes arrive on subscriptions, before the SDK decodes them. The SDK
// decodes envelopes concurrently, so the order of decoded stream items is not
// a reliable view of the order the node delivered them in; this is.
const recording = (Base) => class extends Base {
  constructor(...args) {
    super(...args);
    this.delivered = []; // { topic, id } in arrival order; id = SDK message id
  }

  subscribe(params, callback, onConnectionLost) {
    return super.subscribe(
      params,
      (env) => {
        if (env.message && typeof env.message !== 'string') {
          this.delivered.push({ topic: env.contentTopic, id: sha256Hex(env.message) });
        }
        return callback(env);
      },
      onConnectionLost,
    );
  }
};
const RecordingApiClient = recording(HttpApiClient);
const RecordingGrpcApiClient = recording(GrpcApiClient);

function sha256Hex(bytes) {
  return createHash('sha256').update(bytes).digest('hex');
}

// The SDK's options over one transport ('rest' or 'grpc'; the suite's own by default).
function clientOptions(extra = {}, transport = TRANSPORT) {
  return {
    env: 'local', // only affects defaults; apiUrl below wins for the endpoint
    apiUrl: transport === 'grpc' ? GRPC_URL : API_URL,
    appVersion: 'xmtp-node-e2e/0.0.0',
    persistConversations: false, // nothing cached between Client instances
    apiClientFactory: transport === 'grpc'
      // as GrpcApiClient.fromOptions makes it: plaintext only for a localhost address
      ? (opts) => new RecordingGrpcApiClient(opts.apiUrl, !opts.apiUrl.includes('localhost'), opts.appVersion)
      : (opts) => new RecordingApiClient(opts.apiUrl, { appVersion: opts.appVersion }),
    ...extra,
  };
}

// A viem wallet client over a local private key. Its transport refuses every
// JSON-RPC call, so a test fails loudly if anything tries to reach a chain.
function newWallet() {
  const account = privateKeyToAccount(generatePrivateKey());
  return createWalletClient({
    account,
    transport: custom({
      async request({ method }) {
        throw new Error(`unexpected JSON-RPC call "${method}": wallet must sign locally`);
      },
    }),
  });
}

const sameAddress = (a, b) => typeof a === 'string' && typeof b === 'string' && a.toLowerCase() === b.toLowerCase();

// Resolve `promise`, or reject after `ms` with a message naming `what`.
async function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

// Every stream opened by the suite, so that none outlives it (an open
// subscription keeps the process alive and resubscribes forever).
const openStreams = new Set();
async function track(streamPromise) {
  const stream = await streamPromise;
  openStreams.add(stream);
  return stream;
}
async function closeStream(stream) {
  if (!stream) return;
  openStreams.delete(stream);
  await withTimeout(Promise.resolve(stream.return()), 5_000, 'stream to close').catch(() => {});
}
after(async () => {
  await Promise.all([...openStreams].map(closeStream));
});

// The SDK's Stream.create() returns before the subscribe request has reached
// the node, so anything published right after it may legitimately be missed.
// Wait until the subscription is live: publish probes until one comes through.
// Probes are recognised by `isProbe` and must be skipped by the caller later.
async function waitUntilLive(stream, sendProbe, isProbe, what) {
  const deadline = Date.now() + STREAM_TIMEOUT_MS;
  let next = stream.next();
  for (let i = 0; Date.now() < deadline; i++) {
    await sendProbe(i);
    const waitMs = Math.min(2_000, Math.max(1, deadline - Date.now()));
    let result;
    try {
      result = await withTimeout(next, waitMs, 'probe');
    } catch {
      continue; // not live yet (or probe lost before the subscription): try again
    }
    assert.ok(!result.done, `${what}: stream ended while waiting for it to go live`);
    assert.ok(isProbe(result.value), `${what}: first stream item should be a probe`);
    return;
  }
  throw new Error(`${what}: subscription did not go live within ${STREAM_TIMEOUT_MS} ms`);
}

// Read stream items until `count` items accepted by `keep` have arrived.
async function collect(stream, count, keep, what) {
  const items = [];
  while (items.length < count) {
    const result = await withTimeout(stream.next(), STREAM_TIMEOUT_MS, `${what} (${items.length}/${count} received)`);
    assert.ok(!result.done, `${what}: stream ended after ${items.length}/${count} items`);
    if (keep(result.value)) items.push(result.value);
  }
  return items;
}

// Items that arrive within `ms` (used to detect duplicates after the last expected item).
async function drainFor(stream, ms) {
  const extra = [];
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    try {
      const result = await withTimeout(stream.next(), Math.max(1, deadline - Date.now()), 'more items');
      if (result.done) break;
      extra.push(result.value);
    } catch {
      break;
    }
  }
  return extra;
}

// Ids of `messages` in the order the node delivered them to `client`'s
// subscriptions since position `since` of its delivery log (duplicates kept).
function deliveredIds(client, since, messages) {
  const wanted = new Set(messages.map((m) => m.id));
  return client.apiClient.delivered.slice(since).filter((d) => wanted.has(d.id)).map((d) => d.id);
}

async function collectPages(generator) {
  const pages = [];
  for await (const page of generator) pages.push(page);
  return pages;
}

function assertMessages(actual, expected, what) {
  assert.deepEqual(
    actual.map((m) => m.content),
    expected.map(([content]) => content),
    `${what}: contents in order`,
  );
  actual.forEach((m, i) => {
    assert.ok(sameAddress(m.senderAddress, expected[i][1]), `${what}: sender of message ${i} (${m.content})`);
    assert.equal(m.error, undefined, `${what}: message ${i} decoded without error`);
  });
}

async function findConversation(client, predicate, what) {
  const conversations = await client.conversations.list();
  const found = conversations.find(predicate);
  assert.ok(found, `${what}: not found among ${conversations.length} listed conversations`);
  return found;
}

// ---------------------------------------------------------------------------
// Shared state. alice and carol publish V2 (signed) contact bundles; bob
// publishes only a legacy V1 contact bundle (publishLegacyContact), which is
// what makes the SDK start V1 conversations with him.
const wallets = { alice: newWallet(), bob: newWallet(), carol: newWallet() };
const clients = {};
const bobOptions = () => clientOptions({ publishLegacyContact: true });
const state = {}; // conversations/messages handed from one test to the next

function requireClients() {
  for (const name of ['alice', 'bob', 'carol']) {
    assert.ok(clients[name], `client ${name} missing: the client creation test failed`);
  }
  return clients;
}

const v2ConversationId = `xmtp-node-e2e/${RUN_ID}/v2`;
const pagingConversationId = `xmtp-node-e2e/${RUN_ID}/paging`;
const streamConversationId = `xmtp-node-e2e/${RUN_ID}/stream`;

// ---------------------------------------------------------------------------

test('a. create clients for new wallets (publishes contact and private key bundles)', { timeout: TEST_TIMEOUT_MS }, async () => {
  clients.alice = await Client.create(wallets.alice, clientOptions());
  clients.bob = await Client.create(wallets.bob, bobOptions());
  clients.carol = await Client.create(wallets.carol, clientOptions());
  const { alice, bob, carol } = clients;

  for (const name of ['alice', 'bob', 'carol']) {
    assert.ok(sameAddress(clients[name].address, wallets[name].account.address), `${name}'s client address`);
  }

  // Contact bundles are on the network and come back newest first:
  // alice published a legacy bundle then a signed one, so the signed one wins.
  const aliceContact = await carol.getUserContact(alice.address);
  assert.ok(aliceContact instanceof SignedPublicKeyBundle, 'alice has a V2 (signed) contact bundle');
  assert.ok(aliceContact.equals(alice.signedPublicKeyBundle), "alice's contact bundle matches her keys");
  assert.ok(sameAddress(await aliceContact.walletSignatureAddress(), alice.address));

  const bobContact = await carol.getUserContact(bob.address);
  assert.ok(bobContact instanceof PublicKeyBundle, 'bob has a legacy (V1) contact bundle');
  assert.ok(bobContact.equals(bob.publicKeyBundle), "bob's contact bundle matches his keys");

  const carolContact = await alice.getUserContact(carol.address);
  assert.ok(carolContact instanceof SignedPublicKeyBundle);
  assert.ok(carolContact.equals(carol.signedPublicKeyBundle));

  // Three distinct identities.
  const identities = new Set([alice, bob, carol].map((c) => Buffer.from(c.publicKeyBundle.identityKey.toBytes()).toString('hex')));
  assert.equal(identities.size, 3);
});

test('b. re-created client loads its existing keys from the network', { timeout: TEST_TIMEOUT_MS }, async () => {
  const { alice } = requireClients();

  const again = await Client.create(wallets.alice, clientOptions());
  assert.ok(sameAddress(again.address, alice.address));
  assert.deepEqual(
    Buffer.from(again.publicKeyBundle.toBytes()),
    Buffer.from(alice.publicKeyBundle.toBytes()),
    'same public key bundle (identity key and pre-key) as the first client',
  );
  const firstPrivate = new PrivateKeyBundleV1(await alice.keystore.getPrivateKeyBundle()).encode();
  const againPrivate = new PrivateKeyBundleV1(await again.keystore.getPrivateKeyBundle()).encode();
  assert.deepEqual(Buffer.from(againPrivate), Buffer.from(firstPrivate), 'same private key bundle');

  // Client.getKeys goes through the same network path; its export must be
  // usable as privateKeyOverride without any wallet.
  const exported = await Client.getKeys(wallets.alice, clientOptions());
  assert.deepEqual(Buffer.from(exported), Buffer.from(firstPrivate), 'getKeys returns the stored bundle');
  const fromKeys = await Client.create(null, clientOptions({ privateKeyOverride: exported }));
  assert.ok(sameAddress(fromKeys.address, alice.address));
  assert.ok(fromKeys.publicKeyBundle.equals(alice.publicKeyBundle));

  // The legacy-contact wallet too.
  const bobAgain = await Client.create(wallets.bob, bobOptions());
  assert.ok(bobAgain.publicKeyBundle.equals(clients.bob.publicKeyBundle), "bob's keys reloaded");
});

test('c. canMessage: registered wallets yes, never-registered wallet no', { timeout: TEST_TIMEOUT_MS }, async () => {
  const { alice, bob, carol } = requireClients();
  const stranger = privateKeyToAccount(generatePrivateKey()).address;

  assert.equal(await alice.canMessage(bob.address), true, 'alice -> bob');
  assert.equal(await bob.canMessage(carol.address), true, 'bob -> carol');
  assert.equal(await alice.canMessage(stranger), false, 'alice -> never-registered');
  assert.equal(await alice.canMessage(bob.address.toLowerCase()), true, 'lower-case address is normalised');
  assert.equal(await alice.canMessage('not-an-address'), false, 'invalid address');

  // Batch form (batch-query endpoint) keeps the input order.
  assert.deepEqual(await carol.canMessage([alice.address, stranger, bob.address]), [true, false, true]);

  // Static form, without any client or keys.
  const net = { env: 'local', apiUrl: API_URL };
  assert.equal(await Client.canMessage(alice.address, net), true);
  assert.equal(await Client.canMessage(stranger, net), false);
  assert.deepEqual(await Client.canMessage([stranger, carol.address, bob.address], net), [false, true, true]);
});

test('d. V2 conversation: messages both ways, read in order by both sides', { timeout: TEST_TIMEOUT_MS }, async () => {
  const { alice, bob } = requireClients();

  const aliceSide = await alice.conversations.newConversation(bob.address, {
    conversationId: v2ConversationId,
    metadata: { suite: 'xmtp-node-e2e' },
  });
  assert.ok(aliceSide instanceof ConversationV2, 'a conversationId gives a V2 conversation');
  assert.equal(aliceSide.conversationVersion, 'v2');
  assert.ok(sameAddress(aliceSide.peerAddress, bob.address));
  assert.equal(aliceSide.context?.conversationId, v2ConversationId);

  const sent = [];
  sent.push(await aliceSide.send('v2 hello bob'));

  // bob learns about the conversation from his invite topic.
  const bobSide = await findConversation(bob, (c) => c.topic === aliceSide.topic, 'V2 conversation on bob side');
  assert.equal(bobSide.conversationVersion, 'v2');
  assert.ok(sameAddress(bobSide.peerAddress, alice.address));
  assert.equal(bobSide.context?.conversationId, v2ConversationId);
  assert.deepEqual(bobSide.context?.metadata, { suite: 'xmtp-node-e2e' });

  sent.push(await bobSide.send('v2 hello alice'));
  sent.push(await aliceSide.send('v2 how are you?'));
  sent.push(await bobSide.send('v2 fine, thanks'));

  const expected = [
    ['v2 hello bob', alice.address],
    ['v2 hello alice', bob.address],
    ['v2 how are you?', alice.address],
    ['v2 fine, thanks', bob.address],
  ];
  for (const [reader, conversation] of [['alice', aliceSide], ['bob', bobSide]]) {
    const messages = await conversation.messages();
    assertMessages(messages, expected, `${reader} reads the V2 conversation`);
    assert.deepEqual(messages.map((m) => m.id), sent.map((m) => m.id), `${reader} sees the ids the senders got`);
    messages.forEach((m) => assert.equal(m.messageVersion, 'v2'));
  }

  // newConversation with the same conversationId finds the existing one.
  const again = await bob.conversations.newConversation(alice.address, { conversationId: v2ConversationId, metadata: {} });
  assert.equal(again.topic, aliceSide.topic, 'same conversationId resolves to the same topic');

  state.v2 = { aliceSide, bobSide };
});

test('e. streaming: bob receives every message of a V2 conversation once, in order', { timeout: TEST_TIMEOUT_MS }, async () => {
  const { alice, bob } = requireClients();
  assert.ok(state.v2, 'needs the V2 conversation from test d');
  const { aliceSide, bobSide } = state.v2;
  const N = 10;
  const isProbe = (m) => typeof m.content === 'string' && m.content.startsWith('probe ');

  const sent = [];
  const stream = await track(bobSide.streamMessages());
  try {
    await waitUntilLive(stream, (i) => aliceSide.send(`probe ${i}`), isProbe, 'bob stream');
    const deliveredBefore = bob.apiClient.delivered.length;

    for (let i = 0; i < N; i++) sent.push(await aliceSide.send(`stream ${String(i).padStart(2, '0')}`));

    const received = await collect(stream, N, (m) => !isProbe(m), 'bob stream');
    const duplicates = (await drainFor(stream, 1_500)).filter((m) => !isProbe(m));

    assert.deepEqual(duplicates.map((m) => m.content), [], 'no duplicate or extra messages');
    assert.deepEqual(
      received.map((m) => m.content).sort(),
      sent.map((m) => m.content),
      'all messages received exactly once',
    );
    assert.equal(new Set(received.map((m) => m.id)).size, N, 'distinct message ids');
    for (const m of received) {
      assert.ok(sameAddress(m.senderAddress, alice.address));
      assert.equal(m.contentTopic, aliceSide.topic);
    }

    // Order as delivered by the node, before the SDK's concurrent decoding.
    assert.deepEqual(deliveredIds(bob, deliveredBefore, sent), sent.map((m) => m.id), 'node delivered the messages in publish order, once each');
  } finally {
    await closeStream(stream);
  }

  // After the stream is closed the messages are all in the store as well.
  const stored = (await bobSide.messages()).filter((m) => m.content.startsWith('stream '));
  assert.deepEqual(stored.map((m) => m.content), sent.map((m) => m.content));
});

test('f. paging: 25 messages over pages of 10, both directions, limits and time windows', { timeout: TEST_TIMEOUT_MS }, async () => {
  const { alice, bob } = requireClients();
  const aliceSide = await alice.conversations.newConversation(bob.address, { conversationId: pagingConversationId, metadata: {} });
  assert.equal(aliceSide.conversationVersion, 'v2');

  const TOTAL = 25;
  const sent = [];
  for (let i = 0; i < TOTAL; i++) sent.push(await aliceSide.send(`page ${String(i).padStart(2, '0')}`));
  const contents = sent.map((m) => m.content);

  const bobSide = await findConversation(bob, (c) => c.topic === aliceSide.topic, 'paging conversation on bob side');

  // Ascending, 10 per page.
  const ascPages = await collectPages(bobSide.messagesPaginated({ pageSize: 10, direction: SortDirection.SORT_DIRECTION_ASCENDING }));
  assert.deepEqual(ascPages.map((p) => p.length), [10, 10, 5], 'ascending page sizes');
  const asc = ascPages.flat();
  assert.deepEqual(asc.map((m) => m.content), contents, 'ascending: all 25 in order');
  assert.equal(new Set(asc.map((m) => m.id)).size, TOTAL, 'ascending: no duplicates');
  asc.forEach((m) => assert.ok(sameAddress(m.senderAddress, alice.address)));

  // Descending, 10 per page.
  const descPages = await collectPages(bobSide.messagesPaginated({ pageSize: 10, direction: SortDirection.SORT_DIRECTION_DESCENDING }));
  assert.deepEqual(descPages.map((p) => p.length), [10, 10, 5], 'descending page sizes');
  const desc = descPages.flat();
  assert.deepEqual(desc.map((m) => m.content), [...contents].reverse(), 'descending: all 25, newest first');
  assert.equal(new Set(desc.map((m) => m.id)).size, TOTAL, 'descending: no duplicates');

  // messages(): whole topic, small pages followed by cursor, and limits.
  assert.deepEqual((await bobSide.messages()).map((m) => m.content), contents, 'messages()');
  assert.deepEqual((await bobSide.messages({ pageSize: 4 })).map((m) => m.content), contents, 'messages({pageSize: 4}) follows 7 cursors');
  assert.deepEqual((await bobSide.messages({ limit: 7 })).map((m) => m.content), contents.slice(0, 7), 'limit 7 ascending');
  assert.deepEqual(
    (await bobSide.messages({ limit: 5, direction: SortDirection.SORT_DIRECTION_DESCENDING })).map((m) => m.content),
    contents.slice(-5).reverse(),
    'limit 5 descending',
  );

  // Time windows: boundaries may be inclusive or exclusive, so only assert
  // what holds either way.
  const after10 = (await bobSide.messages({ startTime: sent[10].sent })).map((m) => m.content);
  assert.deepEqual(after10, contents.filter((c) => after10.includes(c)), 'startTime window stays in order');
  for (const c of contents.slice(11)) assert.ok(after10.includes(c), `startTime window includes ${c}`);
  for (const c of contents.slice(0, 10)) {
    if (sent[contents.indexOf(c)].sent < sent[10].sent) assert.ok(!after10.includes(c), `startTime window excludes ${c}`);
  }
  const before9 = (await bobSide.messages({ endTime: sent[9].sent })).map((m) => m.content);
  for (const c of contents.slice(0, 9)) assert.ok(before9.includes(c), `endTime window includes ${c}`);
  for (const c of contents.slice(10)) {
    if (sent[contents.indexOf(c)].sent > sent[9].sent) assert.ok(!before9.includes(c), `endTime window excludes ${c}`);
  }
  const windowPages = await collectPages(
    bobSide.messagesPaginated({ pageSize: 3, startTime: sent[5].sent, endTime: sent[15].sent, direction: SortDirection.SORT_DIRECTION_ASCENDING }),
  );
  const windowed = windowPages.flat().map((m) => m.content);
  for (const c of contents.slice(6, 15)) assert.ok(windowed.includes(c), `window [5,15] includes ${c}`);
  assert.deepEqual(windowed, contents.filter((c) => windowed.includes(c)), 'window in order, no duplicates');
  assert.ok(windowPages.every((p) => p.length <= 3), 'pages no larger than pageSize');

  state.paging = { topic: aliceSide.topic };
});

test('g. V1 conversation (peer with a legacy contact bundle): messages both ways', { timeout: TEST_TIMEOUT_MS }, async () => {
  const { alice, bob } = requireClients();

  // bob's only contact bundle is a legacy one, so without a conversationId the
  // SDK starts a V1 conversation (topic dm-<addrA>-<addrB>, intro topics).
  const aliceSide = await alice.conversations.newConversation(bob.address);
  assert.ok(aliceSide instanceof ConversationV1, 'legacy peer gives a V1 conversation');
  assert.equal(aliceSide.conversationVersion, 'v1');
  assert.match(aliceSide.topic, /^\/xmtp\/0\/dm-0x[0-9a-fA-F]{40}-0x[0-9a-fA-F]{40}\/proto$/);

  const sent = [await aliceSide.send('v1 hello bob')];

  // bob finds it through his intro topic.
  const bobSide = await findConversation(
    bob,
    (c) => c.conversationVersion === 'v1' && sameAddress(c.peerAddress, alice.address),
    'V1 conversation on bob side',
  );
  assert.ok(bobSide instanceof ConversationV1);
  assert.equal(bobSide.topic, aliceSide.topic);

  sent.push(await bobSide.send('v1 hello alice'));
  sent.push(await aliceSide.send('v1 second from alice'));

  const expected = [
    ['v1 hello bob', alice.address],
    ['v1 hello alice', bob.address],
    ['v1 second from alice', alice.address],
  ];
  for (const [reader, conversation] of [['alice', aliceSide], ['bob', bobSide]]) {
    const messages = await conversation.messages();
    assertMessages(messages, expected, `${reader} reads the V1 conversation`);
    assert.deepEqual(messages.map((m) => m.id), sent.map((m) => m.id));
    messages.forEach((m) => assert.equal(m.messageVersion, 'v1'));
    messages.forEach((m) =>
      assert.ok(sameAddress(m.recipientAddress, sameAddress(m.senderAddress, alice.address) ? bob.address : alice.address), 'V1 recipient header'),
    );
  }

  // bob resolving the conversation himself lands on the same V1 topic.
  const resolved = await bob.conversations.newConversation(alice.address);
  assert.equal(resolved.conversationVersion, 'v1');
  assert.equal(resolved.topic, aliceSide.topic);

  state.v1 = { aliceSide, bobSide };
});

test('h. fresh client for bob lists his V1 and V2 conversations with alice', { timeout: TEST_TIMEOUT_MS }, async () => {
  const { alice } = requireClients();
  assert.ok(state.v1 && state.v2, 'needs the conversations from tests d and g');

  const freshBob = await Client.create(wallets.bob, bobOptions());
  assert.equal((await freshBob.conversations.listFromCache()).length, 0, 'fresh client starts with nothing cached');

  const listed = await freshBob.conversations.list();
  const byTopic = new Map(listed.map((c) => [c.topic, c]));

  const v1 = byTopic.get(state.v1.aliceSide.topic);
  assert.ok(v1, 'V1 conversation listed');
  assert.equal(v1.conversationVersion, 'v1');
  assert.ok(sameAddress(v1.peerAddress, alice.address));

  const v2 = byTopic.get(state.v2.aliceSide.topic);
  assert.ok(v2, 'V2 conversation listed');
  assert.equal(v2.conversationVersion, 'v2');
  assert.ok(sameAddress(v2.peerAddress, alice.address));
  assert.equal(v2.context?.conversationId, v2ConversationId);

  if (state.paging) {
    const paging = byTopic.get(state.paging.topic);
    assert.ok(paging, 'paging conversation listed');
    assert.equal(paging.context?.conversationId, pagingConversationId);
  }
  for (const c of listed) assert.ok(sameAddress(c.peerAddress, alice.address), 'bob only talked to alice');
  assert.equal(new Set(listed.map((c) => c.topic)).size, listed.length, 'no conversation listed twice');

  // The fresh client can decrypt the history of both.
  const v2Messages = await v2.messages();
  assert.deepEqual(v2Messages.slice(0, 4).map((m) => m.content), ['v2 hello bob', 'v2 hello alice', 'v2 how are you?', 'v2 fine, thanks']);
  const v1Messages = await v1.messages();
  assert.deepEqual(v1Messages.map((m) => m.content), ['v1 hello bob', 'v1 hello alice', 'v1 second from alice']);
});

test('i. conversations.stream(): carol receives new V2 and V1 conversations', { timeout: TEST_TIMEOUT_MS }, async () => {
  const { alice, carol } = requireClients();
  // dave: a new wallet with a legacy contact, so a V1 conversation can be started with him.
  const dave = await Client.create(newWallet(), clientOptions({ publishLegacyContact: true }));
  const isProbe = (c) => c.conversationVersion === 'v2' && (c.context?.conversationId ?? '').includes('/probe/');

  const carolStream = await track(carol.conversations.stream());
  const daveStream = await track(dave.conversations.stream());
  try {
    await waitUntilLive(
      carolStream,
      (i) => alice.conversations.newConversation(carol.address, { conversationId: `xmtp-node-e2e/${RUN_ID}/probe/carol/${i}`, metadata: {} }),
      isProbe,
      'carol conversation stream',
    );
    await waitUntilLive(
      daveStream,
      (i) => alice.conversations.newConversation(dave.address, { conversationId: `xmtp-node-e2e/${RUN_ID}/probe/dave/${i}`, metadata: {} }),
      isProbe,
      'dave conversation stream',
    );

    // V2: an invite.
    const created = await alice.conversations.newConversation(carol.address, { conversationId: streamConversationId, metadata: {} });
    const [got] = await collect(carolStream, 1, (c) => !isProbe(c), 'carol conversation stream');
    assert.equal(got.conversationVersion, 'v2');
    assert.equal(got.topic, created.topic);
    assert.equal(got.context?.conversationId, streamConversationId);
    assert.ok(sameAddress(got.peerAddress, alice.address));

    // V1: an introduction, announced by the first message.
    const v1 = await alice.conversations.newConversation(dave.address);
    assert.equal(v1.conversationVersion, 'v1');
    await v1.send('v1 hello dave');
    const [gotV1] = await collect(daveStream, 1, (c) => !isProbe(c), 'dave conversation stream');
    assert.equal(gotV1.conversationVersion, 'v1');
    assert.equal(gotV1.topic, v1.topic);
    assert.ok(sameAddress(gotV1.peerAddress, alice.address));

    // The new conversation is usable straight from the stream.
    await got.send('hi alice, from the stream');
    const replies = await created.messages();
    assert.deepEqual(replies.map((m) => m.content), ['hi alice, from the stream']);
    assert.ok(sameAddress(replies[0].senderAddress, carol.address));
  } finally {
    await closeStream(carolStream);
    await closeStream(daveStream);
  }
});

test('j. conversations.streamAllMessages(): bob receives V1 and V2 messages once each', { timeout: TEST_TIMEOUT_MS }, async () => {
  const { alice, bob } = requireClients();
  assert.ok(state.v1 && state.v2, 'needs the conversations from tests d and g');
  const { aliceSide: v2 } = state.v2;
  const { aliceSide: v1 } = state.v1;
  const isProbe = (m) => typeof m.content === 'string' && m.content.startsWith('probe ');

  const stream = await track(bob.conversations.streamAllMessages());
  try {
    await waitUntilLive(stream, (i) => v2.send(`probe ${i}`), isProbe, 'bob streamAllMessages');
    const deliveredBefore = bob.apiClient.delivered.length;

    const sent = [];
    sent.push(await v2.send('all v2 one'));
    sent.push(await v1.send('all v1 one'));
    sent.push(await v2.send('all v2 two'));
    sent.push(await v1.send('all v1 two'));

    const received = await collect(stream, sent.length, (m) => !isProbe(m), 'bob streamAllMessages');
    const extra = (await drainFor(stream, 1_500)).filter((m) => !isProbe(m));
    assert.deepEqual(extra.map((m) => m.content), [], 'no duplicate or extra messages');

    assert.deepEqual(new Set(received.map((m) => m.id)), new Set(sent.map((m) => m.id)), 'each message exactly once');
    for (const m of received) {
      assert.ok(sameAddress(m.senderAddress, alice.address));
      assert.equal(m.messageVersion, m.content.startsWith('all v1') ? 'v1' : 'v2');
      assert.equal(m.contentTopic, m.messageVersion === 'v1' ? v1.topic : v2.topic);
    }
    // Per conversation, the node must deliver in publish order, once each.
    for (const version of ['v1', 'v2']) {
      const mine = sent.filter((m) => m.messageVersion === version);
      assert.deepEqual(deliveredIds(bob, deliveredBefore, mine), mine.map((m) => m.id), `${version} messages delivered in publish order, once each`);
    }
  } finally {
    await closeStream(stream);
  }
});

// ---------------------------------------------------------------------------
// Identities and abuse: what the node enforces on top of the message API.

async function rawPost(path, body, headers = {}) {
  const res = await fetch(`${API_URL}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'text/plain;charset=UTF-8', ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

test('k. the key directory serves the bundles the SDK published, for any address case', { timeout: TEST_TIMEOUT_MS }, async () => {
  const { alice, bob } = requireClients();
  const hex = (bytes) => '0x' + Buffer.from(bytes).toString('hex');
  for (const [client, version] of [[alice, 2], [bob, 1]]) {
    let found;
    for (let i = 0; i < 100 && !found; i++) { // the directory is fed from the envelope log
      const res = await fetch(`${API_URL}/keys/v1/contacts/${client.address.toLowerCase()}`);
      if (res.status === 200) {
        const body = await res.json();
        found = body.bundles.find((b) => b.version === version) ? body : undefined;
      }
      if (!found) await new Promise((r) => setTimeout(r, 200));
    }
    assert.ok(found, `the key directory lists ${client.address}`);
    assert.equal(found.walletAddress, client.address, 'answered in EIP-55 form');
    const entry = found.bundles.find((b) => b.version === version);
    assert.equal(entry.identityKey, hex(client.publicKeyBundle.identityKey.secp256k1Uncompressed.bytes));
    assert.equal(entry.preKey, hex(client.publicKeyBundle.preKey.secp256k1Uncompressed.bytes));
  }
});

test('l. publishes without a valid token get code 16; another wallet\'s contact topic gets code 7', { timeout: TEST_TIMEOUT_MS }, async () => {
  const { alice, bob } = requireClients();
  const envelope = (topic) => ({ contentTopic: topic, timestampNs: String(Date.now() * 1e6), message: Buffer.from('x').toString('base64') });
  const missing = await rawPost('/message/v1/publish', { envelopes: [envelope(`/xmtp/0/m-${RUN_ID}/proto`)] });
  assert.equal(missing.status, 401);
  assert.equal(missing.body.code, 16);
  const forged = await rawPost('/message/v1/publish', { envelopes: [envelope(`/xmtp/0/m-${RUN_ID}/proto`)] },
    { Authorization: 'Bearer ' + Buffer.from('forged token').toString('base64') });
  assert.equal(forged.status, 401);
  assert.equal(forged.body.code, 16);

  // alice's own SDK token on bob's contact topic: ownership is checked before the bundle
  const token = await alice.apiClient.authCache.getToken();
  const spoof = await rawPost('/message/v1/publish', { envelopes: [envelope(`/xmtp/0/contact-${bob.address}/proto`)] },
    { Authorization: `Bearer ${token}` });
  assert.equal(spoof.status, 403);
  assert.equal(spoof.body.code, 7);

  // alice's own contact topic with a bundle she did not sign
  const unsigned = await rawPost('/message/v1/publish', { envelopes: [envelope(`/xmtp/0/contact-${alice.address}/proto`)] },
    { Authorization: `Bearer ${token}` });
  assert.equal(unsigned.status, 400);
  assert.equal(unsigned.body.code, 3);
  assert.match(unsigned.body.message, /contact bundle/);
});

// ---------------------------------------------------------------------------
// Consent (private preferences on the wallet's userpreferences- topic) and a
// conversation across the two transports.

test('m. consent: alice allows bob and denies carol; a fresh client of alice reads the same list', { timeout: TEST_TIMEOUT_MS }, async () => {
  const { alice, bob, carol } = requireClients();
  await alice.contacts.allow([bob.address]);
  await alice.contacts.deny([carol.address]);
  assert.equal(alice.contacts.consentState(bob.address), 'allowed');
  assert.equal(alice.contacts.consentState(carol.address), 'denied');

  const fresh = await Client.create(wallets.alice, clientOptions());
  await fresh.contacts.refreshConsentList();
  assert.equal(fresh.contacts.consentState(bob.address), 'allowed', 'bob allowed, read back from the network');
  assert.equal(fresh.contacts.consentState(carol.address), 'denied', 'carol denied, read back from the network');

  await fresh.contacts.allow([carol.address]); // a later entry wins
  await alice.contacts.refreshConsentList();
  assert.equal(alice.contacts.consentState(carol.address), 'allowed');
});

test('n. a REST client and a gRPC client in one conversation, messages and streams both ways', { timeout: TEST_TIMEOUT_MS, skip: TRANSPORT !== 'grpc' && 'needs XMTP_GRPC_URL' }, async () => {
  const overRest = await Client.create(newWallet(), clientOptions({}, 'rest'));
  const overGrpc = await Client.create(newWallet(), clientOptions({}, 'grpc'));
  assert.ok(overRest.apiClient instanceof HttpApiClient);
  assert.ok(overGrpc.apiClient instanceof GrpcApiClient);
  assert.equal(await overRest.canMessage(overGrpc.address), true, 'the REST client sees the gRPC client\'s bundle');
  assert.equal(await overGrpc.canMessage(overRest.address), true, 'the gRPC client sees the REST client\'s bundle');

  const restSide = await overRest.conversations.newConversation(overGrpc.address, { conversationId: `xmtp-node-e2e/${RUN_ID}/mixed`, metadata: {} });
  const isProbe = (m) => typeof m.content === 'string' && m.content.startsWith('probe ');

  // the gRPC side streams what the REST side sends
  let grpcSide;
  for (let i = 0; i < 100 && !grpcSide; i++) {
    grpcSide = (await overGrpc.conversations.list()).find((c) => c.topic === restSide.topic);
    if (!grpcSide) await new Promise((r) => setTimeout(r, 200));
  }
  assert.ok(grpcSide, 'the gRPC client lists the conversation the REST client started');
  const grpcStream = await track(grpcSide.streamMessages());
  const restStream = await track(restSide.streamMessages());
  try {
    await waitUntilLive(grpcStream, (i) => restSide.send(`probe rest ${i}`), isProbe, 'gRPC stream');
    await waitUntilLive(restStream, (i) => grpcSide.send(`probe grpc ${i}`), isProbe, 'REST stream');
    const fromRest = [];
    const fromGrpc = [];
    for (let i = 0; i < 3; i++) {
      fromRest.push(await restSide.send(`from rest ${i}`));
      fromGrpc.push(await grpcSide.send(`from grpc ${i}`));
    }
    const onGrpc = await collect(grpcStream, 6, (m) => !isProbe(m), 'gRPC stream');
    const onRest = await collect(restStream, 6, (m) => !isProbe(m), 'REST stream');
    const expected = [...fromRest, ...fromGrpc].map((m) => m.content).sort();
    assert.deepEqual(onGrpc.map((m) => m.content).sort(), expected, 'the gRPC client streams both sides');
    assert.deepEqual(onRest.map((m) => m.content).sort(), expected, 'the REST client streams both sides');
  } finally {
    await closeStream(grpcStream);
    await closeStream(restStream);
  }

  // and each reads the whole conversation back over its own transport, in order
  const want = (m) => m.content.startsWith('from ');
  const readByRest = (await restSide.messages()).filter(want).map((m) => m.content);
  const readByGrpc = (await grpcSide.messages()).filter(want).map((m) => m.content);
  assert.deepEqual(readByGrpc, readByRest);
  assert.equal(readByRest.length, 6);
});
