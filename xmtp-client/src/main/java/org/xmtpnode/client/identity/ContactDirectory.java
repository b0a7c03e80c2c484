package org.xmtpnode.client.identity;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.xmtpnode.client.ClientTopics;
import org.xmtpnode.client.api.ApiClient;
import org.xmtpnode.client.crypto.InvalidMessageException;
import org.xmtpnode.core.crypto.Ethereum;
import org.xmtpnode.proto.api.Envelope;
import org.xmtpnode.proto.api.PagingInfo;
import org.xmtpnode.proto.api.QueryRequest;
import org.xmtpnode.proto.api.QueryResponse;
import org.xmtpnode.proto.api.SortDirection;

/**
 * Finds peers' contact bundles as the SDKs do: the newest of the last five envelopes on {@code
 * contact-<address>} that verifies as signed by that address. Bundles that do not verify (spoofs) are
 * passed over. Found contacts are cached for the client's life.
 */
public final class ContactDirectory {

    private static final int LOOK_BACK = 5;

    private final ApiClient api;
    private final Map<String, Contact> cache = new ConcurrentHashMap<>();

    public ContactDirectory(ApiClient api) {
        this.api = api;
    }

    /**
     * @throws IllegalArgumentException when the address is not an Ethereum address
     */
    public Optional<Contact> find(String address) {
        return findAll(List.of(address)).get(0);
    }

    /** One batch query for every address not yet cached; answers in the addresses' order. */
    public List<Optional<Contact>> findAll(List<String> addresses) {
        List<String> normalized = addresses.stream().map(Ethereum::checksum).toList();
        List<String> missing = normalized.stream()
                .filter(a -> !cache.containsKey(a))
                .distinct()
                .toList();
        if (!missing.isEmpty()) {
            List<QueryRequest> requests = missing.stream()
                    .map(a -> QueryRequest.newBuilder()
                            .addContentTopics(ClientTopics.contact(a))
                            .setPagingInfo(PagingInfo.newBuilder()
                                    .setLimit(LOOK_BACK)
                                    .setDirection(SortDirection.SORT_DIRECTION_DESCENDING))
                            .build())
                    .toList();
            List<QueryResponse> responses = api.batchQuery(requests);
            for (int i = 0; i < missing.size(); i++) {
                newestValid(responses.get(i).getEnvelopesList(), missing.get(i))
                        .ifPresent(c -> cache.put(c.walletAddress(), c));
            }
        }
        List<Optional<Contact>> out = new ArrayList<>(normalized.size());
        normalized.forEach(a -> out.add(Optional.ofNullable(cache.get(a))));
        return out;
    }

    private static Optional<Contact> newestValid(List<Envelope> newestFirst, String address) {
        for (Envelope e : newestFirst) {
            try {
                return Optional.of(Contact.fromContactBundle(e.getMessage(), address));
            } catch (InvalidMessageException spoofOrGarbage) {
                // an older, valid bundle may follow
            }
        }
        return Optional.empty();
    }
}
