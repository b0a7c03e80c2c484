package org.xmtpnode.keystore.directory;

import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.xmtpnode.core.crypto.ContactBundles;

/** The key tables: the latest bundle of each version per wallet, and the latest private key bundle. */
@Repository
public class KeyDirectory {

    private static final HexFormat HEX = HexFormat.of();

    private final JdbcTemplate jdbc;

    public KeyDirectory(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Keeps the bundle unless a later envelope already gave this wallet a bundle of this version. */
    public boolean saveContact(ContactBundles.Verified verified, byte[] bundle, long envelopeTimeNs) {
        return jdbc.update(
                        """
                INSERT INTO contact_bundles (wallet_address, version, identity_key, pre_key, created_ns, bundle, envelope_time_ns)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (wallet_address, version) DO UPDATE SET
                    identity_key = excluded.identity_key, pre_key = excluded.pre_key, created_ns = excluded.created_ns,
                    bundle = excluded.bundle, envelope_time_ns = excluded.envelope_time_ns, updated_at = now()
                WHERE excluded.envelope_time_ns >= contact_bundles.envelope_time_ns
                """,
                        verified.walletAddress(),
                        (short) verified.version(),
                        verified.identityKey(),
                        verified.preKey(),
                        verified.createdNs(),
                        bundle,
                        envelopeTimeNs)
                > 0;
    }

    public boolean savePrivateKeyBundle(String wallet, byte[] bundle, long envelopeTimeNs) {
        return jdbc.update("""
                INSERT INTO private_key_bundles (wallet_address, bundle, envelope_time_ns) VALUES (?, ?, ?)
                ON CONFLICT (wallet_address) DO UPDATE SET bundle = excluded.bundle,
                    envelope_time_ns = excluded.envelope_time_ns, updated_at = now()
                WHERE excluded.envelope_time_ns >= private_key_bundles.envelope_time_ns
                """, wallet, bundle, envelopeTimeNs) > 0;
    }

    /** Contacts of each wallet (EIP-55), in the order asked; wallets without bundles get an empty list. */
    public Map<String, WalletContacts> contacts(List<String> wallets) {
        Map<String, List<ContactEntry>> found = new LinkedHashMap<>();
        wallets.forEach(w -> found.put(w, new ArrayList<>()));
        jdbc.query("""
                SELECT wallet_address, version, identity_key, pre_key, created_ns, envelope_time_ns, bundle
                FROM contact_bundles WHERE wallet_address = ANY(?) ORDER BY wallet_address, version DESC
                """, ps -> ps.setArray(1, ps.getConnection().createArrayOf("text", wallets.toArray())), rs -> {
            found.get(rs.getString(1))
                    .add(new ContactEntry(
                            rs.getShort(2),
                            "0x" + HEX.formatHex(rs.getBytes(3)),
                            "0x" + HEX.formatHex(rs.getBytes(4)),
                            Long.toString(rs.getLong(5)),
                            Long.toString(rs.getLong(6)),
                            Base64.getEncoder().encodeToString(rs.getBytes(7))));
        });
        Map<String, WalletContacts> out = new LinkedHashMap<>();
        found.forEach((w, list) -> out.put(w, new WalletContacts(w, List.copyOf(list))));
        return out;
    }

    public Optional<PrivateKeyBundle> privateKeyBundle(String wallet) {
        return jdbc.query(
                "SELECT bundle, envelope_time_ns FROM private_key_bundles WHERE wallet_address = ?",
                rs -> rs.next()
                        ? Optional.of(new PrivateKeyBundle(
                                wallet,
                                Base64.getEncoder().encodeToString(rs.getBytes(1)),
                                Long.toString(rs.getLong(2))))
                        : Optional.<PrivateKeyBundle>empty(),
                wallet);
    }

    /**
     * @param walletAddress  EIP-55
     * @param bundle         the EncryptedPrivateKeyBundle as published (opaque to the node), base64
     * @param envelopeTimeNs the sender time of its envelope
     */
    public record PrivateKeyBundle(String walletAddress, String bundle, String envelopeTimeNs) {}
}
