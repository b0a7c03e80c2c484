package org.xmtpnode.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.xmtpnode.devnet.Devnet;

/**
 * Every shell example in the README and in {@code docs/} runs as written against a local network: each
 * document's {@code bash} blocks run in order in one shell (so a variable or a key file made by one block
 * serves the next), in a scratch directory beside the repository's {@code bin/}. The local network's
 * ports stand in for 5555 (the API) and 5557 (management). A comment line right after a command that
 * starts with <code>{</code> or <code>[</code> is the command's documented output: the real output must
 * begin with it ({@code …} matches anything; what follows {@code <-} is an annotation).
 */
class ShellExamplesIT {

    static final Path ROOT =
            Path.of(System.getProperty("xmtp.root", "..")).toAbsolutePath().normalize();
    static final String MARK = "@@step ";

    /** One command (continuation lines joined) and the output its documentation shows, if any. */
    record Step(String command, String expected) {}

    @TestFactory
    Stream<DynamicTest> everyShellExampleRunsAsWritten() throws IOException {
        List<Path> docs = new ArrayList<>(List.of(ROOT.resolve("README.md")));
        try (Stream<Path> files = Files.list(ROOT.resolve("docs"))) {
            files.filter(p -> p.toString().endsWith(".md")).sorted().forEach(docs::add);
        }
        return docs.stream()
                .filter(d -> !steps(d).isEmpty())
                .map(d -> DynamicTest.dynamicTest(ROOT.relativize(d).toString(), () -> run(d, steps(d))));
    }

    static List<Step> steps(Path doc) {
        List<Step> steps = new ArrayList<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(doc);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        boolean inBash = false;
        StringBuilder command = null;
        StringBuilder expected = null;
        for (String line : lines) {
            if (!inBash) {
                inBash = line.strip().equals("```bash");
                continue;
            }
            if (line.strip().equals("```")) {
                inBash = false;
                add(steps, command, expected);
                command = null;
                expected = null;
                continue;
            }
            String s = line.strip();
            if (s.startsWith("#")) {
                String text = s.substring(1).strip();
                if (command != null && (expected != null || text.startsWith("{") || text.startsWith("["))) {
                    expected = expected == null ? new StringBuilder() : expected;
                    int note = text.indexOf("<-");
                    expected.append(note >= 0 ? text.substring(0, note).strip() : text);
                }
                continue;
            }
            if (s.isEmpty()) {
                continue;
            }
            if (command != null && command.toString().endsWith("\\")) {
                command.append('\n').append(line);
            } else {
                add(steps, command, expected);
                command = new StringBuilder(line);
                expected = null;
            }
        }
        return steps;
    }

    static void add(List<Step> steps, StringBuilder command, StringBuilder expected) {
        if (command != null) {
            steps.add(new Step(command.toString(), expected == null ? null : expected.toString()));
        }
    }

    static void run(Path doc, List<Step> steps) throws Exception {
        Devnet devnet = SharedDevnet.get();
        String api = URI.create(devnet.apiUrl()).getAuthority();
        String management = URI.create(devnet.gatewayManagementUrl()).getAuthority();
        StringBuilder script = new StringBuilder("set -euo pipefail\n");
        for (int i = 0; i < steps.size(); i++) {
            String command = steps.get(i)
                    .command()
                    .replaceAll("(localhost|127\\.0\\.0\\.1):5555", api)
                    .replaceAll("(localhost|127\\.0\\.0\\.1):5557", management);
            script.append("echo '")
                    .append(MARK)
                    .append(i)
                    .append("'\n")
                    .append(command)
                    .append('\n');
        }
        Path dir = Files.createTempDirectory(ROOT.resolve("e2e/target"), "shell-examples-");
        Files.createSymbolicLink(dir.resolve("bin"), ROOT.resolve("bin"));
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", script.toString())
                .directory(dir.toFile())
                .redirectErrorStream(true);
        pb.environment().put("XMTP_API_URL", devnet.apiUrl());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue())
                .as("the examples of %s ran; their output:%n%s", doc, out)
                .isZero();
        String[] outputs = out.split(Pattern.quote(MARK) + "\\d+\\n", -1);
        for (int i = 0; i < steps.size(); i++) {
            Step step = steps.get(i);
            if (step.expected() == null) {
                continue;
            }
            String actual = outputs[i + 1].strip();
            String pattern = Stream.of(step.expected().split("…", -1))
                    .map(Pattern::quote)
                    .reduce((a, b) -> a + "[\\s\\S]*?" + b)
                    .orElse("");
            assertThat(Pattern.compile("^" + pattern).matcher(actual).find())
                    .as(
                            "%s: `%s` printed what the doc shows%nshown:  %s%nprinted: %s",
                            doc, step.command(), step.expected(), actual)
                    .isTrue();
        }
        System.out.printf("shell examples: %s, %d commands ran as written%n", ROOT.relativize(doc), steps.size());
    }
}
