package org.xmtpnode.client.identity;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import org.xmtpnode.client.crypto.InvalidMessageException;
import org.xmtpnode.core.crypto.ContactBundles;
import org.xmtpnode.proto.contents.ContactBundle;
import org.xmtpnode.proto.contents.PublicKeyBundle;
import org.xmtpnode.proto.contents.SignedPublicKeyBundle;

/**
 * A peer's published keys, verified: the identity key is signed by the peer's wallet and the pre-key
 * by the identity key. {@code v1} is present when the peer published a V1 bundle (then a V1
 * conversation is possible); {@code v2} always is (derived from V1 as xmtp-js derives it).
 */
public record Contact(String walletAddress, PublicKeyBundle v1, SignedPublicKeyBundle v2) {

    /**
     * Verifies a {@code contact-<wallet>} envelope's message.
     *
     * @throws InvalidMessageException when it is not a bundle signed by {@code expectedWallet}
     */
    public static Contact fromContactBundle(ByteString message, String expectedWallet) {
        ContactBundles.Verified verified;
        try {
            verified = ContactBundles.verify(message, expectedWallet);
        } catch (ContactBundles.InvalidBundleException e) {
            throw new InvalidMessageException("contact bundle of " + expectedWallet + " refused: " + e.getMessage());
        }
        PublicKeyBundle v1;
        try {
            ContactBundle bundle = ContactBundle.parseFrom(message);
            if (bundle.hasV2()) {
                return new Contact(
                        verified.walletAddress(), null, bundle.getV2().getKeyBundle());
            }
            v1 = bundle.hasV1() ? bundle.getV1().getKeyBundle() : PublicKeyBundle.parseFrom(message);
        } catch (InvalidProtocolBufferException e) {
            try {
                v1 = PublicKeyBundle.parseFrom(message);
            } catch (InvalidProtocolBufferException again) {
                throw new InvalidMessageException("contact bundle is malformed");
            }
        }
        return new Contact(verified.walletAddress(), v1, BundleForms.toV2(v1));
    }

    /** Did the peer publish a V1 bundle (its newest), so that a new conversation with it is V1? */
    public boolean v1Only() {
        return v1 != null;
    }

    /**
     * The V1 bundle to encrypt a V1 message with: the published one, or the V1 form of the V2 bundle.
     *
     * @throws InvalidMessageException when the peer's keys have no V1 form
     */
    public PublicKeyBundle v1Bundle() {
        return v1 != null ? v1 : BundleForms.toV1(v2);
    }
}
