package org.xmtpnode.gateway.limits;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.xmtpnode.core.WireJson;
import org.xmtpnode.proto.api.Envelope;
import org.xmtpnode.proto.api.PublishRequest;

/** The token count of a body's array agrees with the nodes' parser, and gives way to it where it is lenient. */
class JsonArraysTest {

    private static long length(String body) {
        return JsonArrays.length(body.getBytes(StandardCharsets.UTF_8), "envelopes");
    }

    @Test
    void countsTheTopLevelArrayOnly() {
        assertThat(length("{\"envelopes\":[{},{},{}]}")).isEqualTo(3);
        assertThat(length(" {\n \"envelopes\" : [ ] } ")).isZero();
        assertThat(length("{}")).isZero();
        assertThat(length("{\"envelopes\":null}")).isZero();
        // the same name inside another field's value, or inside a string, is not the request's array
        assertThat(length("{\"other\":{\"envelopes\":[{},{}]},\"envelopes\":[{\"contentTopic\":\"],[{\"}]}"))
                .isEqualTo(1);
        // an escaped name is the same name, as the nodes' parser reads it
        assertThat(length("{\"\\u0065nvelopes\":[{},{}]}")).isEqualTo(2);
    }

    @Test
    void aNameGivenTwiceCountsBothArrays() {
        // the nodes keep the last; counting both never charges less than they store
        assertThat(length("{\"envelopes\":[{}],\"envelopes\":[{},{},{}]}")).isEqualTo(4);
    }

    @Test
    void whatIsNotStrictJsonIsLeftToTheNodesParser() {
        assertThat(length("{'envelopes':[{},{}]}")).isEqualTo(-1);
        assertThat(length("{envelopes:[{},{}]}")).isEqualTo(-1);
        assertThat(length("{\"envelopes\":[{},{}]")).isEqualTo(-1);
        assertThat(length("[{\"envelopes\":[{}]}]")).isEqualTo(-1);
        assertThat(length("")).isEqualTo(-1);
        // and that parser does count what is lenient: the filter's fallback charges the full count
        assertThat(WireJson.parse("{'envelopes':[{},{}]}".getBytes(StandardCharsets.UTF_8), PublishRequest.newBuilder())
                        .getEnvelopesCount())
                .isEqualTo(2);
    }

    @Test
    void agreesWithTheNodesParserOnPrintedRequests() {
        Random random = new Random(7);
        String tricky = "\"]}[{\\,\u00e9\u4e2d envelopes";
        for (int round = 0; round < 300; round++) {
            PublishRequest.Builder request = PublishRequest.newBuilder();
            int n = random.nextInt(20);
            for (int i = 0; i < n; i++) {
                StringBuilder topic = new StringBuilder("/xmtp/0/m-");
                for (int c = random.nextInt(12); c > 0; c--) {
                    topic.append(tricky.charAt(random.nextInt(tricky.length())));
                }
                byte[] message = new byte[random.nextInt(2048)];
                random.nextBytes(message);
                request.addEnvelopes(Envelope.newBuilder()
                        .setContentTopic(topic.toString())
                        .setTimestampNs(random.nextLong())
                        .setMessage(ByteString.copyFrom(message)));
            }
            String json = WireJson.print(request.build());
            if (random.nextBoolean()) { // an unknown field with nested arrays, before the envelopes
                json = "{\"extra\":[[1,{\"envelopes\":[{}]}],\"x\"]," + json.substring(1);
            }
            if (random.nextBoolean()) {
                json = json.replace(":", " : ").replace(",", " , ");
            }
            byte[] body = json.getBytes(StandardCharsets.UTF_8);
            assertThat(JsonArrays.length(body, "envelopes"))
                    .as(json)
                    .isEqualTo(WireJson.parse(body, PublishRequest.newBuilder()).getEnvelopesCount());
        }
    }
}
