package org.xmtpnode.client.conversation;

import com.google.protobuf.ByteString;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.xmtpnode.client.ClientTopics;
import org.xmtpnode.client.PeerNotOnNetworkException;
import org.xmtpnode.client.XmtpException;
import org.xmtpnode.client.api.ApiClient;
import org.xmtpnode.client.api.QueryOptions;
import org.xmtpnode.client.api.Subscription;
import org.xmtpnode.client.consent.ConsentList;
import org.xmtpnode.client.content.CodecRegistry;
import org.xmtpnode.client.crypto.InvalidMessageException;
import org.xmtpnode.client.identity.Contact;
import org.xmtpnode.client.identity.ContactDirectory;
import org.xmtpnode.client.identity.IdentityKeys;
import org.xmtpnode.core.crypto.Ethereum;
import org.xmtpnode.proto.api.Envelope;

/**
 * A client's conversations: found on its {@code intro-} (V1) and {@code invite-} (V2) topics, opened
 * anew with {@link #newConversation}, and streamed. What it has read is remembered, so listing again
 * reads only what is new.
 */
public final class Conversations {

    private static final int DELIVERED_IDS_KEPT = 10_000;

    private final ConversationContext ctx;
    private final Set<String> introduced = ConversationV1.newIntroducedSet();
    private final Map<String, ConversationV2> byTopic = new ConcurrentHashMap<>();
    private final Map<String, ConversationV1> byPeer = new ConcurrentHashMap<>();
    private long invitesSeenNs = -1;
    private long introsSeenNs = -1;

    /** Made by {@link org.xmtpnode.client.XmtpClient}. */
    public Conversations(
            ApiClient api,
            IdentityKeys keys,
            CodecRegistry codecs,
            ContactDirectory contacts,
            ConsentList consent,
            Clock clock) {
        this.ctx = new ConversationContext(api, keys, codecs, contacts, consent, clock);
    }

    /** Every conversation, oldest first; invitations and intros that fail verification are skipped. */
    public List<Conversation> list() {
        return list(rejected -> {});
    }

    /** Every conversation, oldest first; each invitation or intro that fails verification is reported. */
    public synchronized List<Conversation> list(Consumer<InvalidMessageException> onRejected) {
        refreshInvites(onRejected);
        refreshIntros(onRejected);
        List<Conversation> all = new ArrayList<>(byPeer.values());
        all.addAll(byTopic.values());
        all.sort(Comparator.comparing(Conversation::createdAt).thenComparing(Conversation::topic));
        return all;
    }

    /** The conversations with one peer (V1 and every V2 context), oldest first. */
    public List<Conversation> with(String peerAddress) {
        String peer = Ethereum.checksum(peerAddress);
        return list().stream().filter(c -> c.peerAddress().equals(peer)).toList();
    }

    public Conversation newConversation(String peerAddress) {
        return newConversation(peerAddress, "", Map.of());
    }

    /**
     * The conversation with the peer in the given context, made if it does not exist: V2 (an
     * invitation on both parties' invite topics, the peer allowed in the consent list), or V1 when
     * the peer has only a V1 bundle, or a V1 conversation with it already exists, and no conversation
     * id is asked for (as xmtp-js decides).
     *
     * @throws PeerNotOnNetworkException when the peer has no valid contact bundle
     */
    public synchronized Conversation newConversation(
            String peerAddress, String conversationId, Map<String, String> metadata) {
        String peer = Ethereum.checksum(peerAddress);
        String me = ctx.keys().walletAddress();
        if (peer.equals(me)) {
            throw new XmtpException("a conversation with oneself is not supported");
        }
        String id = conversationId == null ? "" : conversationId;
        refreshInvites(rejected -> {});
        Optional<ConversationV2> existing = byTopic.values().stream()
                .filter(c -> c.peerAddress().equals(peer) && c.conversationId().equals(id))
                .min(Comparator.comparing(Conversation::createdAt));
        if (existing.isPresent()) {
            return existing.get();
        }
        Contact contact = ctx.contacts().find(peer).orElseThrow(() -> new PeerNotOnNetworkException(peer));
        if (id.isEmpty()) {
            if (contact.v1Only()) {
                return byPeer.computeIfAbsent(peer, p -> new ConversationV1(ctx, p, now(), introduced));
            }
            refreshIntros(rejected -> {});
            ConversationV1 v1 = byPeer.get(peer);
            if (v1 != null) {
                return v1;
            }
        }
        long createdNs = ctx.clock().millis() * 1_000_000L;
        Invitations.Sealed sealed = Invitations.create(ctx.keys(), contact.v2(), createdNs, id, metadata);
        Envelope invite = Envelope.newBuilder()
                .setContentTopic(ClientTopics.invite(peer))
                .setTimestampNs(createdNs)
                .setMessage(ByteString.copyFrom(sealed.bytes()))
                .build();
        ctx.api()
                .publish(List.of(
                        invite,
                        invite.toBuilder()
                                .setContentTopic(ClientTopics.invite(me))
                                .build()));
        ctx.consent().allow(List.of(peer));
        return byTopic.computeIfAbsent(sealed.invitation().topic(), t -> new ConversationV2(ctx, sealed.invitation()));
    }

    /** Conversations that others (or this wallet elsewhere) start from now on, each once. */
    public Subscription stream(StreamListener<Conversation> listener) {
        String intro = ClientTopics.intro(ctx.keys().walletAddress());
        String invite = ClientTopics.invite(ctx.keys().walletAddress());
        Set<String> seen = ConcurrentHashMap.newKeySet();
        return ctx.api().subscribe(List.of(intro, invite), new Subscription.Listener() {
            @Override
            public void onEnvelope(Envelope envelope) {
                try {
                    Conversation c =
                            envelope.getContentTopic().equals(intro) ? fromIntro(envelope) : fromInvite(envelope);
                    if (seen.add(c.topic())) {
                        listener.onItem(c);
                    }
                } catch (InvalidMessageException e) {
                    listener.onError(e);
                }
            }

            @Override
            public void onError(XmtpException error, boolean terminal) {
                listener.onError(error);
            }
        });
    }

    /**
     * Messages of every conversation, including conversations started while streaming (whose earlier
     * messages are read first). Each message is delivered once.
     */
    public Subscription streamAllMessages(StreamListener<DecodedMessage> listener) {
        String intro = ClientTopics.intro(ctx.keys().walletAddress());
        String invite = ClientTopics.invite(ctx.keys().walletAddress());
        Map<String, Conversation> watched = new ConcurrentHashMap<>();
        list(listener::onError).forEach(c -> watched.put(c.topic(), c));
        Set<String> delivered = Collections.newSetFromMap(new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > DELIVERED_IDS_KEPT;
            }
        });
        AtomicReference<Subscription> self = new AtomicReference<>();
        Consumer<DecodedMessage> deliver = m -> {
            boolean fresh;
            synchronized (delivered) {
                fresh = delivered.add(m.id());
            }
            if (fresh) {
                listener.onItem(m);
            }
        };
        Consumer<Conversation> watch = c -> {
            if (watched.putIfAbsent(c.topic(), c) == null && self.get() != null) {
                self.get().updateTopics(topics(intro, invite, watched));
            }
        };
        Subscription subscription = ctx.api().subscribe(topics(intro, invite, watched), new Subscription.Listener() {
            @Override
            public void onEnvelope(Envelope envelope) {
                try {
                    String topic = envelope.getContentTopic();
                    if (topic.equals(intro)) {
                        ConversationV1 c = fromIntro(envelope);
                        watch.accept(c);
                        deliver.accept(c.decode(envelope));
                    } else if (topic.equals(invite)) {
                        ConversationV2 c = fromInvite(envelope);
                        watch.accept(c);
                        c.messages(QueryOptions.all(), listener::onError).forEach(deliver);
                    } else {
                        Conversation c = watched.get(topic);
                        if (c != null) {
                            deliver.accept(c.decode(envelope));
                        }
                    }
                } catch (InvalidMessageException e) {
                    listener.onError(e);
                }
            }

            @Override
            public void onError(XmtpException error, boolean terminal) {
                listener.onError(error);
            }
        });
        self.set(subscription);
        return subscription;
    }

    private static List<String> topics(String intro, String invite, Map<String, Conversation> watched) {
        Set<String> topics = new LinkedHashSet<>();
        topics.add(intro);
        topics.add(invite);
        topics.addAll(watched.keySet());
        return List.copyOf(topics);
    }

    private synchronized ConversationV1 fromIntro(Envelope envelope) {
        SealedMessage m = V1Messages.open(ctx.keys(), envelope.getMessage().toByteArray());
        String me = ctx.keys().walletAddress();
        String peer = m.senderAddress().equals(me) ? m.recipientAddress() : m.senderAddress();
        if (peer.equals(me)) {
            throw new InvalidMessageException("intro from this wallet to itself");
        }
        return byPeer.computeIfAbsent(
                peer, p -> new ConversationV1(ctx, p, Instant.ofEpochSecond(0, m.sentNs()), introduced));
    }

    private synchronized ConversationV2 fromInvite(Envelope envelope) {
        Invitation invitation =
                Invitations.open(ctx.keys(), envelope.getMessage().toByteArray(), envelope.getTimestampNs());
        return byTopic.computeIfAbsent(invitation.topic(), t -> new ConversationV2(ctx, invitation));
    }

    private void refreshInvites(Consumer<InvalidMessageException> onRejected) {
        invitesSeenNs =
                readNew(ClientTopics.invite(ctx.keys().walletAddress()), invitesSeenNs, this::fromInvite, onRejected);
    }

    private void refreshIntros(Consumer<InvalidMessageException> onRejected) {
        introsSeenNs =
                readNew(ClientTopics.intro(ctx.keys().walletAddress()), introsSeenNs, this::fromIntro, onRejected);
    }

    /** Reads a topic's envelopes at or after {@code seenNs}; answers the newest time read. */
    private long readNew(
            String topic, long seenNs, Consumer<Envelope> accept, Consumer<InvalidMessageException> onRejected) {
        QueryOptions options = QueryOptions.all();
        if (seenNs >= 0) {
            options = options.between(Instant.ofEpochSecond(0, seenNs), null);
        }
        long newest = Math.max(seenNs, 0);
        for (Envelope e : ctx.api().query(topic, options)) {
            try {
                accept.accept(e);
            } catch (InvalidMessageException rejected) {
                onRejected.accept(rejected);
            }
            newest = Math.max(newest, e.getTimestampNs());
        }
        return newest;
    }

    private Instant now() {
        return ctx.clock().instant();
    }
}
