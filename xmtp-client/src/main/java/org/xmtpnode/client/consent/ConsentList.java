package org.xmtpnode.client.consent;

import com.google.protobuf.ByteString;
import java.time.Clock;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.xmtpnode.client.api.ApiClient;
import org.xmtpnode.client.api.QueryOptions;
import org.xmtpnode.client.crypto.InvalidMessageException;
import org.xmtpnode.client.identity.IdentityKeys;
import org.xmtpnode.core.crypto.Ethereum;
import org.xmtpnode.proto.api.Envelope;
import org.xmtpnode.proto.contents.PrivatePreferencesAction;

/**
 * The wallet's allow/deny list of other wallets, kept as xmtp-js 13 keeps it: each change is an
 * encrypted {@code PrivatePreferencesAction} appended to the wallet's private preferences topic, and
 * the state of an address is what the latest action naming it says. Both SDKs read and write the
 * same topic, so they agree. Addresses are compared in EIP-55 form.
 */
public final class ConsentList {

    /** The page size xmtp-js reads this topic with (the node allows 500 here). */
    private static final int PAGE = 500;

    private final ApiClient api;
    private final IdentityKeys keys;
    private final Clock clock;
    private final String topic;
    private final Map<String, ConsentState> states = new LinkedHashMap<>();
    private long lastSeenNs = -1;

    public ConsentList(ApiClient api, IdentityKeys keys, Clock clock) {
        this.api = api;
        this.keys = keys;
        this.clock = clock;
        this.topic = PrivatePreferencesCipher.topic(keys.identityKey());
    }

    /** The private preferences topic of this identity. */
    public String topic() {
        return topic;
    }

    /** The state of an address as of the last {@link #refresh}, loading the list the first time. */
    public synchronized ConsentState state(String address) {
        if (lastSeenNs < 0) {
            refresh(e -> {});
        }
        return states.getOrDefault(Ethereum.checksum(address), ConsentState.UNKNOWN);
    }

    /** Every address with a state, in the order they were first named. */
    public synchronized Map<String, ConsentState> entries() {
        refresh(e -> {});
        return Collections.unmodifiableMap(new LinkedHashMap<>(states));
    }

    /**
     * Reads the actions published since the last refresh and applies them in order. Actions that do
     * not decrypt with this identity's key are dropped and reported.
     */
    public synchronized void refresh(Consumer<InvalidMessageException> onRejected) {
        QueryOptions options = QueryOptions.all().withPageSize(PAGE);
        if (lastSeenNs >= 0) {
            options = options.between(Instant.ofEpochSecond(0, lastSeenNs), null);
        }
        List<Envelope> envelopes = api.query(topic, options);
        for (Envelope e : envelopes) {
            if (e.getTimestampNs() <= lastSeenNs && lastSeenNs >= 0) {
                continue; // the time window includes the last action already applied
            }
            try {
                apply(PrivatePreferencesCipher.decrypt(
                        keys.identityKey(), e.getMessage().toByteArray()));
            } catch (InvalidMessageException rejected) {
                onRejected.accept(rejected);
            }
            lastSeenNs = Math.max(lastSeenNs, e.getTimestampNs());
        }
        lastSeenNs = Math.max(lastSeenNs, 0);
    }

    public void allow(List<String> addresses) {
        publish(addresses, ConsentState.ALLOWED);
    }

    public void deny(List<String> addresses) {
        publish(addresses, ConsentState.DENIED);
    }

    /** Allows an address that has no state yet (what sending to a peer implies, as in xmtp-js). */
    public synchronized void allowIfUnknown(String address) {
        if (state(address) == ConsentState.UNKNOWN) {
            allow(List.of(address));
        }
    }

    private synchronized void publish(List<String> addresses, ConsentState state) {
        if (addresses.isEmpty()) {
            return;
        }
        List<String> normalized = addresses.stream().map(Ethereum::checksum).toList();
        PrivatePreferencesAction.Builder action = PrivatePreferencesAction.newBuilder();
        if (state == ConsentState.ALLOWED) {
            action.setAllowAddress(
                    PrivatePreferencesAction.AllowAddress.newBuilder().addAllWalletAddresses(normalized));
        } else {
            action.setDenyAddress(
                    PrivatePreferencesAction.DenyAddress.newBuilder().addAllWalletAddresses(normalized));
        }
        api.publish(List.of(Envelope.newBuilder()
                .setContentTopic(topic)
                .setTimestampNs(clock.millis() * 1_000_000L)
                .setMessage(ByteString.copyFrom(PrivatePreferencesCipher.encrypt(keys.identityKey(), action.build())))
                .build()));
        normalized.forEach(a -> states.put(a, state));
    }

    private void apply(PrivatePreferencesAction action) {
        action.getAllowAddress().getWalletAddressesList().forEach(a -> put(a, ConsentState.ALLOWED));
        action.getDenyAddress().getWalletAddressesList().forEach(a -> put(a, ConsentState.DENIED));
    }

    private void put(String address, ConsentState state) {
        if (Ethereum.isAddress(address)) {
            states.put(Ethereum.checksum(address), state);
        }
    }
}
