package org.xmtpnode.gateway.limits;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import org.springframework.http.server.reactive.ServerHttpRequest;

/**
 * The client's IP: the peer's address, or the first {@code X-Forwarded-For} hop when the peer is a
 * trusted proxy (a client could otherwise pick any address, and with it a fresh rate-limit bucket).
 */
public final class ClientAddress {

    private record Cidr(byte[] network, int prefix) {

        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (address[full] & mask) == (network[full] & mask);
        }
    }

    private final List<Cidr> trusted;

    public ClientAddress(List<String> trustedProxies) {
        this.trusted = trustedProxies.stream().map(ClientAddress::parse).toList();
    }

    private static Cidr parse(String cidr) {
        String[] parts = cidr.trim().split("/");
        try {
            byte[] network = InetAddress.getByName(parts[0]).getAddress();
            int prefix = parts.length > 1 ? Integer.parseInt(parts[1]) : network.length * 8;
            if (prefix < 0 || prefix > network.length * 8) {
                throw new IllegalArgumentException("bad prefix in " + cidr);
            }
            return new Cidr(network, prefix);
        } catch (UnknownHostException | NumberFormatException e) {
            throw new IllegalArgumentException("not a CIDR range: " + cidr, e);
        }
    }

    public boolean isTrusted(InetAddress address) {
        byte[] bytes = address.getAddress();
        return trusted.stream().anyMatch(c -> c.contains(bytes));
    }

    public String of(ServerHttpRequest request) {
        return of(request.getRemoteAddress(), request.getHeaders().getFirst("X-Forwarded-For"));
    }

    /** The same for any transport: the peer's address and its {@code X-Forwarded-For} value (or null). */
    public String of(InetSocketAddress remote, String forwarded) {
        if (remote == null || remote.getAddress() == null) {
            return "unknown";
        }
        InetAddress peer = remote.getAddress();
        if (isTrusted(peer)) {
            if (forwarded != null && !forwarded.isBlank()) {
                String first = forwarded.split(",", 2)[0].trim();
                if (!first.isEmpty() && first.length() <= 64) {
                    return first;
                }
            }
        }
        return peer.getHostAddress();
    }
}
