package org.xmtpnode.floors;

import java.util.Arrays;

/**
 * The floors of {@code bin/bench --ladder}, one per process: each is a hop of the network built from the same
 * frameworks with nothing of this project, so that the ladder can set each of our hops' CPU per request beside
 * what the frameworks alone cost.
 *
 * <pre>
 * java -jar bench-floors.jar echo  --server.port=P                   a bare WebFlux handler: reads the body, answers {}
 *                                                                    (N bytes of JSON on /page/N)
 * java -jar bench-floors.jar scg   --server.port=P --floor.to=URL    Spring Cloud Gateway, one plain route to URL
 * java -jar bench-floors.jar kafka --server.port=P --floor.kafka=HOST:PORT --floor.topic=T
 *                                                                    WebFlux + KafkaProducer (acks=all): answers {} once acknowledged
 * java -jar bench-floors.jar jdbc  JDBC_URL USER insert|query THREADS WARMUP_SECONDS SECONDS [RATE]
 *                                                                    plain JDBC against PostgreSQL, closed loop (or RATE/s); prints the operations done
 * </pre>
 */
public final class Floors {

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: bench-floors echo|scg|kafka|jdbc ... (see the class's javadoc)");
            System.exit(2);
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        switch (args[0]) {
            case "echo" -> EchoFloor.main(rest);
            case "scg" -> GatewayFloor.main(rest);
            case "kafka" -> KafkaFloor.main(rest);
            case "jdbc" -> JdbcFloor.main(rest);
            default -> {
                System.err.println("unknown floor " + args[0]);
                System.exit(2);
            }
        }
    }

    private Floors() {}
}
