package org.xmtpnode.core;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** Content topic names: {@code /xmtp/0/<name>/proto}. */
public final class Topics {

    public static final String PREFIX = "/xmtp/0/";

    private Topics() {}

    /** The {@code <name>} part of a topic, or the whole topic when it is not an XMTP topic. */
    public static String name(String topic) {
        if (!topic.startsWith(PREFIX)) {
            return topic;
        }
        int end = topic.lastIndexOf('/');
        return end > PREFIX.length() - 1 ? topic.substring(PREFIX.length(), end) : topic.substring(PREFIX.length());
    }

    /** Ephemeral topics ({@code mE-…}, {@code dmE-…}) are relayed to subscribers and never stored. */
    public static boolean isEphemeral(String topic) {
        String name = name(topic);
        return name.startsWith("mE-") || name.startsWith("dmE-");
    }

    /**
     * The kind of a topic, a bounded set for metrics: {@code contact}, {@code privatestore}, {@code intro},
     * {@code dm}, {@code invite}, {@code conversation} ({@code m-…}), {@code ephemeral} ({@code mE-…},
     * {@code dmE-…}), {@code userpreferences}, else {@code other}.
     */
    public static String category(String topic) {
        if (!topic.startsWith(PREFIX)) {
            return "other";
        }
        String name = name(topic);
        if (name.startsWith("mE-") || name.startsWith("dmE-")) {
            return "ephemeral";
        }
        for (String kind : PREFIXED_CATEGORIES) {
            if (name.startsWith(kind) && name.length() > kind.length() && name.charAt(kind.length()) == '-') {
                return kind;
            }
        }
        return name.startsWith("m-") ? "conversation" : "other";
    }

    private static final List<String> PREFIXED_CATEGORIES =
            List.of("contact", "privatestore", "intro", "dm", "invite", "userpreferences");

    /** Every value {@link #category} answers. */
    public static final List<String> CATEGORIES = List.of(
            "contact",
            "privatestore",
            "intro",
            "dm",
            "invite",
            "conversation",
            "ephemeral",
            "userpreferences",
            "other");

    /** Topics that {@code subscribe-all} streams. */
    public static boolean isXmtpTopic(String topic) {
        return topic.startsWith(PREFIX);
    }

    public static boolean isUserPreferences(String topic) {
        return name(topic).startsWith("userpreferences-");
    }

    /**
     * Checks a topic name from a request: not empty, at most {@link Limits#MAX_TOPIC_BYTES} UTF-8
     * bytes, no control characters.
     *
     * @throws ApiException with code 3 when the topic is not acceptable
     */
    public static void validate(String topic) {
        if (topic == null || topic.isEmpty()) {
            throw ApiException.invalid("content topic is empty");
        }
        if (topic.length() > Limits.MAX_TOPIC_BYTES
                || topic.getBytes(StandardCharsets.UTF_8).length > Limits.MAX_TOPIC_BYTES) {
            throw ApiException.invalid("content topic is longer than " + Limits.MAX_TOPIC_BYTES + " bytes");
        }
        for (int i = 0; i < topic.length(); i++) {
            char c = topic.charAt(i);
            if (c < 0x20 || c == 0x7f || (Character.isSurrogate(c) && !validSurrogateAt(topic, i))) {
                throw ApiException.invalid("content topic contains a control or invalid character");
            }
        }
    }

    private static boolean validSurrogateAt(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }
}
