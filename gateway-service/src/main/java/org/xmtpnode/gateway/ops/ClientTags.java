package org.xmtpnode.gateway.ops;

import java.util.List;
import java.util.Set;

/**
 * The SDK and app headers as metric tags with bounded values: {@code X-Client-Version: xmtp-js/13.0.4}
 * becomes {@code xmtp-js/13} when {@code xmtp-js} is a known client (major versions 0–99), and
 * {@code X-App-Version: myapp/2.1} becomes {@code myapp} when it is a known app. Anything else is
 * {@value #OTHER}, a missing header {@value #NONE}: a client cannot add a time series by what it sends.
 */
public final class ClientTags {

    public static final String OTHER = "other";
    public static final String NONE = "none";

    private final Set<String> clients;
    private final Set<String> apps;

    public ClientTags(List<String> knownClients, List<String> knownApps) {
        this.clients = Set.copyOf(knownClients);
        this.apps = Set.copyOf(knownApps);
    }

    /** The {@code client} tag of an {@code X-Client-Version} header. */
    public String client(String header) {
        if (header == null || header.isBlank()) {
            return NONE;
        }
        int slash = header.indexOf('/');
        String name = slash < 0 ? header : header.substring(0, slash);
        if (!clients.contains(name)) {
            return OTHER;
        }
        String major = slash < 0 ? "" : leadingDigits(header.substring(slash + 1));
        return major.isEmpty() || major.length() > 2 ? name + "/" + OTHER : name + "/" + Integer.parseInt(major);
    }

    /** The {@code app} tag of an {@code X-App-Version} header. */
    public String app(String header) {
        if (header == null || header.isBlank()) {
            return NONE;
        }
        int slash = header.indexOf('/');
        String name = slash < 0 ? header : header.substring(0, slash);
        return apps.contains(name) ? name : OTHER;
    }

    private static String leadingDigits(String s) {
        int end = 0;
        while (end < s.length() && end < 4 && s.charAt(end) >= '0' && s.charAt(end) <= '9') {
            end++;
        }
        return s.substring(0, end);
    }
}
