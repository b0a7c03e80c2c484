package org.xmtpnode.bootstrap.registry;

import com.google.protobuf.ByteString;
import java.math.BigInteger;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.xmtpnode.bootstrap.config.BootstrapProperties;
import org.xmtpnode.core.crypto.Secp256k1;
import org.xmtpnode.core.nodes.NodeRecords;
import org.xmtpnode.proto.internal.NodeRecord;
import org.xmtpnode.proto.internal.SignedNodeRecord;

/** Node keys, records signed as a node's Announcer signs them, and settings bound as the service binds them. */
public final class TestRecords {

    private TestRecords() {}

    /** A fresh secp256k1 private key. */
    public static BigInteger newKey() {
        return Secp256k1.randomPrivateKey();
    }

    /** The uncompressed public key, hex without a prefix (the form {@code trusted-keys} takes). */
    public static String publicHex(BigInteger key) {
        return HexFormat.of().formatHex(Secp256k1.publicKey(key));
    }

    public static NodeRecord record(String nodeId, BigInteger key, Instant issuedAt, NodeRecord.State state) {
        return NodeRecord.newBuilder()
                .setNodeId(nodeId)
                .setPublicUrl("https://" + nodeId + ".example.org")
                .setRegion("test")
                .setVersion("test")
                .addRelayUrls("http://relay." + nodeId)
                .addTopicUrls("http://topic." + nodeId)
                .addKeystoreUrls("http://keystore." + nodeId)
                .setSigningKey(ByteString.copyFrom(Secp256k1.publicKey(key)))
                .setIssuedAtNs(issuedAt.getEpochSecond() * 1_000_000_000L + issuedAt.getNano())
                .setState(state)
                .build();
    }

    /** A record made and signed by the node holding {@code key}. */
    public static SignedNodeRecord signed(String nodeId, BigInteger key, Instant issuedAt, NodeRecord.State state) {
        return NodeRecords.sign(record(nodeId, key, issuedAt, state), key);
    }

    /** {@code xmtp.bootstrap.*}: the defaults plus these settings. */
    public static BootstrapProperties properties(String... keyValues) {
        Map<String, String> settings = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            settings.put("xmtp.bootstrap." + keyValues[i], keyValues[i + 1]);
        }
        return new Binder(new MapConfigurationPropertySource(settings))
                .bindOrCreate("xmtp.bootstrap", BootstrapProperties.class);
    }
}
