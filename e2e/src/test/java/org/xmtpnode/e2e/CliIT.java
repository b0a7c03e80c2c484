package org.xmtpnode.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bin/xmtp} as a user types it, against the local network (and the real xmtp-js on the other side). */
class CliIT {

    static final Path ROOT =
            Path.of(System.getProperty("xmtp.root", "..")).toAbsolutePath().normalize();
    static String api;

    @TempDir
    static Path dir;

    record Run(int exit, String out, String err) {
        List<String> lines() {
            return out.isBlank() ? List.of() : List.of(out.strip().split("\n"));
        }
    }

    @BeforeAll
    static void network() {
        api = SharedDevnet.get().apiUrl();
    }

    static ProcessBuilder command(List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ROOT.resolve("bin/xmtp").toString());
        cmd.addAll(args);
        return new ProcessBuilder(cmd)
                .directory(dir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    }

    static Run xmtp(String... args) throws Exception {
        Process p = command(List.of(args)).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS))
                .as("xmtp %s finished", String.join(" ", args))
                .isTrue();
        return new Run(p.exitValue(), out, err);
    }

    static String init(String keyFile) throws Exception {
        Run keygen = xmtp("keygen", keyFile);
        assertThat(keygen.exit()).isZero();
        Run init = xmtp("--api", api, "--wallet-key", keyFile, "init");
        assertThat(init.exit()).as(init.err()).isZero();
        assertThat(init.out().strip()).isEqualTo(keygen.out().strip());
        return init.out().strip();
    }

    @Test
    void twoUsersTalkReadListStreamAndSetConsent() throws Exception {
        String alice = init("alice.key");
        String bob = init("bob.key");
        assertThat(Files.getPosixFilePermissions(dir.resolve("alice.key")))
                .isEqualTo(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));

        assertThat(xmtp("--api", api, "can-message", bob).out().strip()).isEqualTo("true");
        assertThat(xmtp("--api", api, "can-message", "0x000000000000000000000000000000000000dEaD")
                        .out()
                        .strip())
                .isEqualTo("false");

        assertThat(xmtp("--api", api, "--wallet-key", "alice.key", "send", bob, "hello bob")
                        .exit())
                .isZero();
        assertThat(xmtp("--api", api, "--wallet-key", "bob.key", "send", alice, "hi alice, 2 lines\nsecond")
                        .exit())
                .isZero();

        Run read = xmtp("--api", api, "--wallet-key", "bob.key", "read", alice);
        assertThat(read.lines()).hasSize(2);
        assertThat(read.lines().get(0)).matches("\\d{4}-\\d\\d-\\d\\dT\\S+Z " + alice + " hello bob");
        assertThat(read.lines().get(1)).endsWith(" " + bob + " hi alice, 2 lines\\nsecond");
        assertThat(xmtp("--api", api, "--wallet-key", "bob.key", "read", alice, "--limit", "1")
                        .lines())
                .containsExactly(read.lines().get(1));
        Run json = xmtp("--api", api, "--wallet-key", "bob.key", "--json", "read", alice);
        assertThat(json.lines().get(1))
                .contains("\"sender\":\"" + bob + "\"")
                .contains("\"text\":\"hi alice, 2 lines\\nsecond\"");

        Run conversations = xmtp("--api", api, "--wallet-key", "alice.key", "conversations");
        assertThat(conversations.lines()).singleElement().asString().matches(bob + " v2 /xmtp/0/m-[0-9a-f]{64}/proto");

        // sending allowed the peer (as xmtp-js does); deny overrides it
        assertThat(xmtp("--api", api, "--wallet-key", "alice.key", "consent", "list")
                        .lines())
                .containsExactly(bob + " allowed");
        assertThat(xmtp("--api", api, "--wallet-key", "alice.key", "consent", "deny", bob)
                        .exit())
                .isZero();
        assertThat(xmtp("--api", api, "--wallet-key", "alice.key", "consent", "list")
                        .lines())
                .containsExactly(bob + " denied");

        // stream: started, live (it says so on stderr), then two messages arrive and it stops
        Process stream = command(List.of("--api", api, "--wallet-key", "alice.key", "stream", "--count", "2"))
                .start();
        try (BufferedReader err =
                new BufferedReader(new InputStreamReader(stream.getErrorStream(), StandardCharsets.UTF_8))) {
            assertThat(err.readLine()).startsWith("xmtp: streaming messages to " + alice);
            xmtp("--api", api, "--wallet-key", "bob.key", "send", alice, "streamed 1");
            xmtp("--api", api, "--wallet-key", "bob.key", "send", alice, "streamed 2");
            assertThat(stream.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
        List<String> streamed = List.of(new String(stream.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                .strip()
                .split("\n"));
        assertThat(stream.exitValue()).isZero();
        assertThat(streamed).hasSize(2);
        assertThat(streamed.get(0)).endsWith(" " + bob + " streamed 1");
        assertThat(streamed.get(1)).endsWith(" " + bob + " streamed 2");
    }

    @Test
    void aMessageFromXmtpJsIsReadOnTheCommandLine() throws Exception {
        String carol = init("carol.key");
        try (JsPeer js = JsPeer.start(api)) {
            String jsAddress = JsPeer.str(
                    js.call("create", "as", "cli", "walletKey", ClientInteropIT.walletKey(), "legacy", false),
                    "address");
            js.call("send", "as", "cli", "peer", carol, "text", "hello CLI, from xmtp-js");
            assertThat(xmtp("--api", api, "--wallet-key", "carol.key", "read", jsAddress)
                            .lines())
                    .singleElement()
                    .asString()
                    .endsWith(" " + jsAddress + " hello CLI, from xmtp-js");
            assertThat(xmtp("--api", api, "--wallet-key", "carol.key", "send", jsAddress, "hello back")
                            .exit())
                    .isZero();
            assertThat(ClientInteropIT.field(js.call("messages", "as", "cli", "peer", carol), "text"))
                    .containsExactly("hello CLI, from xmtp-js", "hello back");
        }
    }

    @Test
    void failuresExitNonZeroWithOneLineThatSaysWhatIsWrong() throws Exception {
        init("dave.key");
        Run missingKey = xmtp("--api", api, "--wallet-key", "nobody.key", "init");
        assertThat(missingKey.exit()).isNotZero();
        assertThat(missingKey.err().strip())
                .isEqualTo("xmtp: cannot read the wallet key file nobody.key: it does not exist");

        Files.writeString(dir.resolve("bad.key"), "not a key");
        Run badKey = xmtp("--api", api, "--wallet-key", "bad.key", "init");
        assertThat(badKey.exit()).isNotZero();
        assertThat(badKey.err().lines()).singleElement().asString().contains("does not hold a key");

        Run stranger = xmtp(
                "--api", api, "--wallet-key", "dave.key", "send", "0x000000000000000000000000000000000000dEaD", "hi");
        assertThat(stranger.exit()).isNotZero();
        assertThat(stranger.err().lines()).singleElement().asString().contains("is not on the XMTP network");

        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        Run down = xmtp("--api", "http://127.0.0.1:" + closed, "--wallet-key", "dave.key", "init");
        assertThat(down.exit()).isNotZero();
        assertThat(down.err().lines()).singleElement().asString().contains("does not answer");

        Run usage = xmtp("--api", api, "--wallet-key", "dave.key", "read");
        assertThat(usage.exit()).isEqualTo(2);
        assertThat(usage.err().lines()).singleElement().asString().startsWith("xmtp: ");

        Run notAnAddress = xmtp("--api", api, "--wallet-key", "dave.key", "read", "bob");
        assertThat(notAnAddress.exit()).isNotZero();
        assertThat(notAnAddress.err().strip()).isEqualTo("xmtp: bob is not an address (0x followed by 40 hex digits)");
        assertThat(xmtp("keygen", "dave.key").err().strip()).isEqualTo("xmtp: dave.key exists; it is not overwritten");
    }
}
