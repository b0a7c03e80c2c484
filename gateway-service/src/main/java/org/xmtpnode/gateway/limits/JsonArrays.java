package org.xmtpnode.gateway.limits;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

/**
 * Counts the elements of a top-level array of a JSON request body by reading its tokens only: nothing is
 * decoded (a publish's Base64 messages are skipped), so the rate limits learn a request's cost for a
 * fraction of a full parse. A name that appears twice counts every time (never less than the node, which
 * keeps the last). Bodies that are not strict JSON answer -1: the protobuf JSON parser the nodes use is
 * lenient (single quotes, unquoted names), so the caller counts those with it, as the node will read them.
 */
final class JsonArrays {

    private static final JsonFactory JSON = new JsonFactory();

    private JsonArrays() {}

    /** The elements of the top-level field {@code name}'s array (0 if there is none), or -1: not strict JSON. */
    static long length(byte[] body, String name) {
        try (JsonParser p = JSON.createParser(ObjectReadContext.empty(), body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return -1;
            }
            long n = 0;
            while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                boolean counted = name.equals(p.currentName());
                if (p.nextToken() == JsonToken.START_ARRAY && counted) {
                    for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                        if (t == null) {
                            return -1;
                        }
                        n++;
                        p.skipChildren();
                    }
                } else {
                    p.skipChildren();
                }
            }
            return p.currentToken() == JsonToken.END_OBJECT ? n : -1;
        } catch (JacksonException e) {
            return -1;
        }
    }
}
