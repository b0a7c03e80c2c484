package org.xmtpnode.core;

import com.google.protobuf.ByteString;
import org.xmtpnode.core.crypto.ContactBundles;

/**
 * Who may publish where (the reference node's rules, and more): {@code contact-<addr>} and
 * {@code privatestore-<addr>/key_bundle} only by the wallet {@code <addr>} (its exact EIP-55 string),
 * and a contact bundle only when its identity key is signed by that wallet and its pre-key by the
 * identity key. Every other topic is open to any authenticated wallet.
 */
public final class TopicOwnership {

    private static final String CONTACT = "contact-";
    private static final String PRIVATE_STORE = "privatestore-";
    private static final String KEY_BUNDLE = "/key_bundle";

    private TopicOwnership() {}

    /** The wallet that owns a topic, or null when the topic is open to every wallet. */
    public static String owner(String topic) {
        String name = Topics.name(topic);
        if (name.startsWith(CONTACT)) {
            return name.substring(CONTACT.length());
        }
        if (name.startsWith(PRIVATE_STORE) && name.endsWith(KEY_BUNDLE)) {
            return name.substring(PRIVATE_STORE.length(), name.length() - KEY_BUNDLE.length());
        }
        return null;
    }

    public static boolean isContactTopic(String topic) {
        return Topics.name(topic).startsWith(CONTACT);
    }

    /**
     * Checks one envelope published by {@code wallet}.
     *
     * @throws ApiException 403 / code 7 for another wallet's topic, 400 / code 3 for a contact bundle
     *                      that its wallet did not sign
     */
    public static void check(String topic, ByteString message, String wallet) {
        String owner = owner(topic);
        if (owner == null) {
            return;
        }
        if (!owner.equals(wallet)) {
            throw new ApiException(GrpcCode.PERMISSION_DENIED, "only wallet " + owner + " may publish to " + topic);
        }
        if (isContactTopic(topic)) {
            try {
                ContactBundles.verify(message, owner);
            } catch (ContactBundles.InvalidBundleException e) {
                throw new InvalidContactBundle(e.getMessage());
            }
        }
    }

    /** A contact bundle that failed verification (400 / code 3), told apart so it can be counted. */
    public static final class InvalidContactBundle extends ApiException {
        public InvalidContactBundle(String reason) {
            super(GrpcCode.INVALID_ARGUMENT, "invalid contact bundle: " + reason);
        }
    }
}
