// A peer for the Java client's interop tests: the real @xmtp/xmtp-js 13.0.4 SDK driven by JSON lines.
// Each line on stdin is a request {"id","op",...}; each answer is one line on stdout,
// {"id","ok":true,"result":…} or {"id","ok":false,"error":"…"}. Several clients can live in one
// process, named by "as". Usage (from a test): XMTP_API_URL=http://127.0.0.1:5555 node peer.mjs
import { createInterface } from 'node:readline';
import { Client } from '@xmtp/xmtp-js/node/cjs';
import { createWalletClient, custom } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';

const API_URL = (process.env.XMTP_API_URL ?? 'http://127.0.0.1:5555').replace(/\/+$/, '');

// The node answers a subscribe request only once it has registered the subscription, so an answered
// subscribe is a live one: count them, so that a stream can be awaited until it is live.
let subscriptionsAnswered = 0;
const realFetch = globalThis.fetch;
globalThis.fetch = async (input, init = {}) => {
  const url = typeof input === 'string' ? input : input.url;
  const isSubscribe = url.endsWith('/message/v1/subscribe');
  const response = await realFetch(input, init.signal || isSubscribe ? init : { ...init, signal: AbortSignal.timeout(15_000) });
  if (isSubscribe && response.ok) subscriptionsAnswered++;
  return response;
};

const clients = new Map();
const streams = new Map();
let nextStream = 1;

function wallet(walletKey) {
  const account = privateKeyToAccount(walletKey);
  return createWalletClient({
    account,
    transport: custom({ async request({ method }) { throw new Error(`unexpected JSON-RPC call ${method}`); } }),
  });
}

const client = (name) => {
  const c = clients.get(name);
  if (!c) throw new Error(`no client named ${name}`);
  return c;
};

const b64 = (bytes) => Buffer.from(bytes).toString('base64');

function describe(m) {
  return {
    id: m.id,
    sender: m.senderAddress,
    text: typeof m.content === 'string' ? m.content : (m.contentFallback ?? null),
    error: m.error ? String(m.error.message ?? m.error) : null,
    sentMs: m.sent.getTime(),
    topic: m.contentTopic,
    version: m.conversation?.conversationVersion ?? null,
  };
}

async function conversationWith(c, peer, conversationId) {
  const context = conversationId ? { conversationId, metadata: {} } : undefined;
  return c.conversations.newConversation(peer, context);
}

async function waitFor(predicate, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const ops = {
  async create({ as, walletKey, legacy }) {
    const c = await Client.create(wallet(walletKey), {
      env: 'local', apiUrl: API_URL, persistConversations: false, publishLegacyContact: Boolean(legacy),
    });
    clients.set(as, c);
    return { address: c.address, identityKey: b64(c.publicKeyBundle.identityKey.secp256k1Uncompressed.bytes) };
  },
  async canMessage({ as, addresses }) {
    return client(as).canMessage(addresses);
  },
  async newConversation({ as, peer, conversationId }) {
    const convo = await conversationWith(client(as), peer, conversationId);
    return { topic: convo.topic, version: convo.conversationVersion };
  },
  async send({ as, peer, text, conversationId, ephemeral }) {
    const convo = await conversationWith(client(as), peer, conversationId);
    const sent = await convo.send(text, { ephemeral: Boolean(ephemeral) });
    return { ...describe(sent), version: convo.conversationVersion };
  },
  async conversations({ as }) {
    const list = await client(as).conversations.list();
    return list.map((c) => ({ peer: c.peerAddress, version: c.conversationVersion, topic: c.topic,
      conversationId: c.context?.conversationId ?? '' }));
  },
  async messages({ as, peer }) {
    const list = await client(as).conversations.list();
    const out = [];
    for (const c of list.filter((x) => x.peerAddress.toLowerCase() === peer.toLowerCase())) {
      for (const m of await c.messages()) out.push({ ...describe(m), version: c.conversationVersion });
    }
    out.sort((a, b) => a.sentMs - b.sentMs);
    return out;
  },
  async streamStart({ as, kind, peer }) {
    const c = client(as);
    const before = subscriptionsAnswered;
    let stream;
    if (kind === 'all') stream = await c.conversations.streamAllMessages();
    else if (kind === 'conversations') stream = await c.conversations.stream();
    else if (kind === 'ephemeral') stream = await (await conversationWith(c, peer)).streamEphemeral();
    else stream = await (await conversationWith(c, peer)).streamMessages();
    const id = nextStream++;
    const entry = { stream, items: [] };
    streams.set(id, entry);
    (async () => {
      for await (const item of stream) {
        entry.items.push(kind === 'conversations'
          ? { peer: item.peerAddress, version: item.conversationVersion, topic: item.topic }
          : describe(item));
      }
    })().catch((e) => { entry.failure = String(e); });
    await waitFor(() => subscriptionsAnswered > before, 20_000, 'the subscription to go live');
    return { stream: id };
  },
  async streamNext({ stream, count, timeoutMs }) {
    const entry = streams.get(stream);
    await waitFor(() => entry.items.length >= count || entry.failure, timeoutMs ?? 20_000, `${count} stream items`);
    if (entry.failure) throw new Error(entry.failure);
    return entry.items.slice(0, count);
  },
  async streamStop({ stream }) {
    const entry = streams.get(stream);
    streams.delete(stream);
    await entry.stream.return();
    return {};
  },
  async consentSet({ as, peer, state }) {
    const c = client(as);
    if (state === 'allowed') await c.contacts.allow([peer]);
    else await c.contacts.deny([peer]);
    return {};
  },
  async consentState({ as, peer }) {
    const c = client(as);
    await c.contacts.refreshConsentList();
    return c.contacts.consentState(peer);
  },
};

const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  if (!line.trim()) continue;
  let request;
  try {
    request = JSON.parse(line);
    const result = await ops[request.op](request);
    process.stdout.write(JSON.stringify({ id: request.id, ok: true, result }) + '\n');
  } catch (e) {
    process.stdout.write(JSON.stringify({ id: request?.id, ok: false, error: String(e?.stack ?? e) }) + '\n');
  }
}
for (const entry of streams.values()) await entry.stream.return();
process.exit(0);
