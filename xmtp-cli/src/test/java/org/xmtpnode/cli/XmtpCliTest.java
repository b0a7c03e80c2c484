package org.xmtpnode.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xmtpnode.client.identity.LocalWallet;

/** The command line without a network: key files, usage errors, and what a failure prints. */
class XmtpCliTest {

    record Run(int exit, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = XmtpCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void keygenWritesAnOwnerOnlyKeyFileAndPrintsItsAddress(@TempDir Path dir) throws Exception {
        Path key = dir.resolve("w.key");
        Run r = run("keygen", key.toString());

        assertThat(r.exit()).isZero();
        assertThat(r.out().strip()).isEqualTo(LocalWallet.readKeyFile(key).address());
        assertThat(Files.getPosixFilePermissions(key))
                .isEqualTo(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
        Run again = run("keygen", key.toString());
        assertThat(again.exit()).isEqualTo(1);
        assertThat(again.err()).isEqualTo("xmtp: " + key + " exists; it is not overwritten\n");
        assertThat(run("--json", "keygen", dir.resolve("j.key").toString()).out())
                .startsWith("{\"address\":\"0x");
    }

    @Test
    void mistakesExitNonZeroWithOneLine(@TempDir Path dir) throws Exception {
        Run noCommand = run();
        assertThat(noCommand.exit()).isEqualTo(2);
        assertThat(noCommand.err().lines()).containsExactly("xmtp: a command is required (see xmtp --help)");

        Run missingArg = run("send", "0x000000000000000000000000000000000000dEaD");
        assertThat(missingArg.exit()).isEqualTo(2);
        assertThat(missingArg.err().lines()).hasSize(1);

        Run noKey = run("init");
        assertThat(noKey.exit()).isEqualTo(1);
        assertThat(noKey.err()).isEqualTo("xmtp: this command needs --wallet-key FILE\n");

        Run missingFile = run("--wallet-key", dir.resolve("none.key").toString(), "init");
        assertThat(missingFile.err().lines()).singleElement().asString().endsWith("it does not exist");

        Run badAddress = run("can-message", "0x123");
        assertThat(badAddress.exit()).isEqualTo(1);
        assertThat(badAddress.err()).isEqualTo("xmtp: 0x123 is not an address (0x followed by 40 hex digits)\n");
    }

    @Test
    void aNodeThatDoesNotAnswerIsSaidInOneLine(@TempDir Path dir) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path key = dir.resolve("w.key");
        run("keygen", key.toString());

        Run r = run("--api", "http://127.0.0.1:" + port, "--wallet-key", key.toString(), "init");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().lines())
                .singleElement()
                .asString()
                .startsWith("xmtp: the node at http://127.0.0.1:" + port + " does not answer");
    }
}
