package org.xmtpnode.client;

import com.google.protobuf.ByteString;
import java.util.List;
import java.util.Optional;
import org.xmtpnode.client.api.ApiClient;
import org.xmtpnode.client.api.AuthTokenIssuer;
import org.xmtpnode.client.api.QueryOptions;
import org.xmtpnode.client.consent.ConsentList;
import org.xmtpnode.client.content.CodecRegistry;
import org.xmtpnode.client.conversation.Conversations;
import org.xmtpnode.client.crypto.InvalidMessageException;
import org.xmtpnode.client.identity.Contact;
import org.xmtpnode.client.identity.ContactDirectory;
import org.xmtpnode.client.identity.IdentityKeys;
import org.xmtpnode.client.identity.KeyBundleVault;
import org.xmtpnode.client.identity.WalletSigner;
import org.xmtpnode.proto.api.Envelope;

/**
 * An XMTP V1/V2 client for one wallet, interoperable with {@code @xmtp/xmtp-js}: it loads the wallet's
 * identity from the network (or makes and stores one), keeps its contact bundles published, and gives
 * access to conversations and the consent list.
 *
 * <pre>{@code
 * XmtpClient client = XmtpClient.create(LocalWallet.readKeyFile(path), ClientOptions.forApi(url));
 * client.conversations().newConversation(peer).send("gm");
 * }</pre>
 */
public final class XmtpClient {

    private final ApiClient api;
    private final IdentityKeys keys;
    private final ContactDirectory contacts;
    private final ConsentList consent;
    private final Conversations conversations;
    private final CodecRegistry codecs;

    private XmtpClient(ApiClient api, IdentityKeys keys, ClientOptions options) {
        this.api = api;
        this.keys = keys;
        this.codecs = options.codecs();
        this.contacts = new ContactDirectory(api);
        this.consent = new ConsentList(api, keys, options.clock());
        this.conversations = new Conversations(api, keys, codecs, contacts, consent, options.clock());
    }

    /**
     * Starts a client for the wallet: loads its private key bundle from {@code
     * privatestore-<wallet>/key_bundle} (the wallet signs to open it) or, when there is none, makes a
     * new identity (the wallet signs its key) and stores it there; then publishes the contact bundles
     * unless the newest one on the network is already this identity's.
     *
     * @throws XmtpException when the node cannot be reached, or the stored bundle does not open with
     *     this wallet
     */
    public static XmtpClient create(WalletSigner wallet, ClientOptions options) {
        ApiClient api = new ApiClient(options.apiUrl(), options.retry(), options.requestTimeout());
        String keyTopic = ClientTopics.privateKeyBundle(wallet.address());
        List<Envelope> stored = api.query(keyTopic, QueryOptions.latest(1));
        IdentityKeys keys;
        if (stored.isEmpty()) {
            keys = IdentityKeys.generate(wallet, options.clock());
            api.authenticateWith(new AuthTokenIssuer(keys, options.clock()));
            api.publish(List.of(Envelope.newBuilder()
                    .setContentTopic(keyTopic)
                    .setTimestampNs(options.clock().millis() * 1_000_000L)
                    .setMessage(ByteString.copyFrom(KeyBundleVault.seal(keys, wallet)))
                    .build()));
        } else {
            keys = KeyBundleVault.open(stored.get(0).getMessage().toByteArray(), wallet);
            api.authenticateWith(new AuthTokenIssuer(keys, options.clock()));
        }
        XmtpClient client = new XmtpClient(api, keys, options);
        client.ensureContactPublished(options);
        return client;
    }

    private void ensureContactPublished(ClientOptions options) {
        String topic = ClientTopics.contact(keys.walletAddress());
        for (Envelope e : api.query(topic, QueryOptions.latest(1))) {
            try {
                if (keys.publicBundleV2()
                        .equals(Contact.fromContactBundle(e.getMessage(), keys.walletAddress())
                                .v2())) {
                    return;
                }
            } catch (InvalidMessageException notOurs) {
                // publish ours over it
            }
        }
        long t = options.clock().millis() * 1_000_000L;
        // V1 first, then V2 a nanosecond later, so the newest is V2 and pre-V7 clients still find V1
        api.publish(List.of(
                Envelope.newBuilder()
                        .setContentTopic(topic)
                        .setTimestampNs(t)
                        .setMessage(keys.contactBundleV1().toByteString())
                        .build(),
                Envelope.newBuilder()
                        .setContentTopic(topic)
                        .setTimestampNs(t + 1)
                        .setMessage(keys.contactBundleV2().toByteString())
                        .build()));
    }

    /** The wallet's EIP-55 address. */
    public String address() {
        return keys.walletAddress();
    }

    /** The identity public key (uncompressed), the same in every SDK that loads this wallet. */
    public byte[] identityKey() {
        return keys.identityKey().publicKey();
    }

    /**
     * Whether the address has published a contact bundle signed by it.
     *
     * @throws IllegalArgumentException when it is not an address (0x and 40 hex digits)
     */
    public boolean canMessage(String address) {
        return canMessage(List.of(address)).get(0);
    }

    /** {@link #canMessage(String)} for many addresses, in one batch query. */
    public List<Boolean> canMessage(List<String> addresses) {
        return contacts.findAll(addresses).stream().map(Optional::isPresent).toList();
    }

    public Conversations conversations() {
        return conversations;
    }

    public ConsentList consent() {
        return consent;
    }

    public CodecRegistry codecs() {
        return codecs;
    }

    /** The network API this client uses (for reading raw envelopes, say). */
    public ApiClient api() {
        return api;
    }

    @Override
    public String toString() {
        return "XmtpClient[" + address() + " at " + api.baseUri() + "]";
    }
}
