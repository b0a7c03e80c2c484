package org.xmtpnode.client.consent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.xmtpnode.client.XmtpJsVectors;
import org.xmtpnode.client.crypto.InvalidMessageException;
import org.xmtpnode.client.crypto.PrivateKey;
import org.xmtpnode.client.identity.IdentityKeys;
import org.xmtpnode.proto.contents.PrivatePreferencesAction;

class PrivatePreferencesCipherTest {

    static final IdentityKeys ALICE = IdentityKeys.fromBytes(XmtpJsVectors.bytes("alice.privateKeyBundle"));

    @Test
    void theTopicIsXmtpJssAndLibxmtpsReferenceIdentifierHolds() {
        assertThat(PrivatePreferencesCipher.topic(ALICE.identityKey()))
                .isEqualTo(XmtpJsVectors.string("consent.topic"));
        // the reference vector of libxmtp's xmtp_user_preferences tests
        byte[] k = {
            69,
            (byte) 239,
            (byte) 223,
            17,
            3,
            (byte) 219,
            126,
            21,
            (byte) 172,
            74,
            55,
            18,
            123,
            (byte) 240,
            (byte) 246,
            (byte) 149,
            (byte) 158,
            74,
            (byte) 183,
            (byte) 229,
            (byte) 236,
            98,
            (byte) 133,
            (byte) 184,
            95,
            44,
            (byte) 130,
            35,
            (byte) 138,
            113,
            36,
            (byte) 211
        };
        assertThat(PrivatePreferencesCipher.topic(PrivateKey.fromBytes(k)))
                .isEqualTo("/xmtp/0/userpreferences-EBsHSM9lLmELuUVCMJ-tPE0kDcok1io9IwUO6WPC-cM/proto");
    }

    @Test
    void actionsXmtpJsEncryptedOpenInJavaAndJavasOpenBack() {
        String bob = XmtpJsVectors.string("consent.subject");
        PrivatePreferencesAction allow =
                PrivatePreferencesCipher.decrypt(ALICE.identityKey(), XmtpJsVectors.bytes("consent.allow"));
        PrivatePreferencesAction deny =
                PrivatePreferencesCipher.decrypt(ALICE.identityKey(), XmtpJsVectors.bytes("consent.deny"));
        assertThat(allow.getAllowAddress().getWalletAddressesList()).containsExactly(bob);
        assertThat(deny.getDenyAddress().getWalletAddressesList()).containsExactly(bob);

        byte[] mine = PrivatePreferencesCipher.encrypt(ALICE.identityKey(), allow);
        assertThat(PrivatePreferencesCipher.decrypt(ALICE.identityKey(), mine)).isEqualTo(allow);
        assertThatThrownBy(() -> PrivatePreferencesCipher.decrypt(PrivateKey.generate(), mine))
                .isInstanceOf(InvalidMessageException.class);
    }
}
