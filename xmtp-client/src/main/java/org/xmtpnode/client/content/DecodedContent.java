package org.xmtpnode.client.content;

/**
 * Content as received: {@code content} is what the type's codec decoded, or null when no codec is
 * registered for {@code type} (then {@code fallback}, the sender's description, is what to show, and
 * {@code error} says why it was not decoded).
 */
public record DecodedContent(ContentTypeId type, Object content, String fallback, String error) {

    /** The content as text: the text itself, else the fallback, else a note naming the type. */
    public String text() {
        if (content instanceof String s) {
            return s;
        }
        if (fallback != null && !fallback.isEmpty()) {
            return fallback;
        }
        return content != null ? String.valueOf(content) : "[" + type + " content]";
    }
}
