package org.xmtpnode.relay;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class RelayServiceApplication {

    public static void main(String[] args) {
        SpringApplication.run(RelayServiceApplication.class, args);
    }
}
