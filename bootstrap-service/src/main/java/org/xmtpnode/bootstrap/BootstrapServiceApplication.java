package org.xmtpnode.bootstrap;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The node registry: announces this node, hears every other, lists the live ones. */
@SpringBootApplication
public class BootstrapServiceApplication {

    public static void main(String[] args) {
        SpringApplication.run(BootstrapServiceApplication.class, args);
    }
}
