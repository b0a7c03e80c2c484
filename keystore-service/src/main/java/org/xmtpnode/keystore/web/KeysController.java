package org.xmtpnode.keystore.web;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.xmtpnode.core.ApiException;
import org.xmtpnode.core.GrpcCode;
import org.xmtpnode.core.crypto.Ethereum;
import org.xmtpnode.keystore.config.KeystoreProperties;
import org.xmtpnode.keystore.directory.ContactCache;
import org.xmtpnode.keystore.directory.KeyDirectory;
import org.xmtpnode.keystore.directory.WalletContacts;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The key directory's lookups. Addresses are accepted in any case and answered in EIP-55 form.
 * Errors are problem+json (node-runtime's error rendering).
 */
@RestController
public class KeysController {

    private final KeyDirectory directory;
    private final ContactCache cache;
    private final int maxBatch;

    private final JsonMapper json = JsonMapper.builder().build();

    public KeysController(KeyDirectory directory, ContactCache cache, KeystoreProperties properties) {
        this.directory = directory;
        this.cache = cache;
        this.maxBatch = properties.maxBatch();
    }

    @GetMapping("/keys/v1/contacts/{wallet}")
    public WalletContacts contacts(@PathVariable String wallet) {
        String address = address(wallet);
        WalletContacts contacts = lookup(List.of(address)).get(address);
        if (contacts.bundles().isEmpty()) {
            throw notFound("no contact bundle is known for wallet " + address);
        }
        return contacts;
    }

    /**
     * Body {@code {"walletAddresses":[…]}} (any content type, as the message API); answers every wallet
     * in order, unknown ones with no bundles.
     */
    @PostMapping(path = "/keys/v1/contacts/batch-query", consumes = MediaType.ALL_VALUE)
    public Map<String, List<WalletContacts>> batch(@RequestBody(required = false) String body) {
        BatchLookup request;
        try {
            request = body == null ? null : json.readValue(body, BatchLookup.class);
        } catch (JacksonException e) {
            throw ApiException.invalid("the body is not {\"walletAddresses\":[…]}");
        }
        if (request == null
                || request.walletAddresses() == null
                || request.walletAddresses().isEmpty()) {
            throw ApiException.invalid("walletAddresses must list at least one address");
        }
        if (request.walletAddresses().size() > maxBatch) {
            throw ApiException.invalid("a batch holds at most " + maxBatch + " addresses");
        }
        List<String> addresses =
                request.walletAddresses().stream().map(KeysController::address).toList();
        Map<String, WalletContacts> found = lookup(addresses);
        return Map.of("contacts", addresses.stream().map(found::get).toList());
    }

    @GetMapping("/keys/v1/private-key-bundles/{wallet}")
    public KeyDirectory.PrivateKeyBundle privateKeyBundle(@PathVariable String wallet) {
        String address = address(wallet);
        Optional<KeyDirectory.PrivateKeyBundle> bundle = directory.privateKeyBundle(address);
        return bundle.orElseThrow(() -> notFound("no private key bundle is known for wallet " + address));
    }

    /** Cache first; the misses in one query, then cached (only wallets that have bundles). */
    private Map<String, WalletContacts> lookup(List<String> addresses) {
        Map<String, WalletContacts> out = new LinkedHashMap<>();
        List<String> misses = new ArrayList<>();
        for (String a : addresses) {
            if (out.containsKey(a)) {
                continue;
            }
            Optional<WalletContacts> hit = cache.get(a);
            if (hit.isPresent()) {
                out.put(a, hit.get());
            } else {
                out.put(a, null);
                misses.add(a);
            }
        }
        if (!misses.isEmpty()) {
            directory.contacts(misses).forEach((a, contacts) -> {
                out.put(a, contacts);
                if (!contacts.bundles().isEmpty()) {
                    cache.put(contacts);
                }
            });
        }
        return out;
    }

    static String address(String wallet) {
        if (!Ethereum.isAddress(wallet)) {
            throw ApiException.invalid("not an Ethereum address: 0x followed by 40 hex digits");
        }
        return Ethereum.checksum(wallet);
    }

    /** @param walletAddresses up to {@code xmtp.keystore.max-batch} addresses */
    public record BatchLookup(List<String> walletAddresses) {}

    private static ApiException notFound(String message) {
        return new ApiException(GrpcCode.NOT_FOUND, message);
    }
}
