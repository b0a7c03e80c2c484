package org.xmtpnode.keystore.directory;

/**
 * One verified contact bundle as the lookup API shows it.
 *
 * @param version        1 (PublicKeyBundle) or 2 (SignedPublicKeyBundle)
 * @param identityKey    the identity public key, uncompressed secp256k1, 0x-prefixed hex
 * @param preKey         the pre-key, likewise
 * @param createdNs      the identity key's creation time, ns since the epoch, as a string (int64 on the wire)
 * @param envelopeTimeNs the sender time of the envelope that carried it
 * @param bundle         the ContactBundle as published, standard base64
 */
public record ContactEntry(
        int version, String identityKey, String preKey, String createdNs, String envelopeTimeNs, String bundle) {}
