package org.xmtpnode.bootstrap;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The bootstrap service's application; its features arrive in a later step (see the README's roadmap). */
@SpringBootApplication
public class BootstrapServiceApplication {

    public static void main(String[] args) {
        SpringApplication.run(BootstrapServiceApplication.class, args);
    }
}
