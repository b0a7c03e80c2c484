package org.xmtpnode.keystore;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class KeystoreServiceApplication {

    public static void main(String[] args) {
        SpringApplication.run(KeystoreServiceApplication.class, args);
    }
}
