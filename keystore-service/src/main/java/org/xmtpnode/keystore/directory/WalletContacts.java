package org.xmtpnode.keystore.directory;

import java.util.List;

/**
 * A wallet's contact bundles, newest version first.
 *
 * @param walletAddress EIP-55
 * @param bundles       empty when the wallet never published a valid bundle
 */
public record WalletContacts(String walletAddress, List<ContactEntry> bundles) {}
