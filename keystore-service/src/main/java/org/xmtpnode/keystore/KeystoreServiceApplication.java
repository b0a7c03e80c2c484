package org.xmtpnode.keystore;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The keystore service's application; its features arrive in a later step (see the README's roadmap). */
@SpringBootApplication
public class KeystoreServiceApplication {

    public static void main(String[] args) {
        SpringApplication.run(KeystoreServiceApplication.class, args);
    }
}
