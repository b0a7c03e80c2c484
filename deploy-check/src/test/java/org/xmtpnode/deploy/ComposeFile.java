package org.xmtpnode.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * docker-compose.yml as Compose reads it: YAML anchors and merge keys resolved, {@code ${VAR:-default}}
 * interpolated with the defaults (no .env file), {@code x-} extension fields kept.
 */
final class ComposeFile {

    static final Path FILE = Manifests.ROOT.resolve("docker-compose.yml");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z0-9_]+)(?::?-([^}]*))?}");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private ComposeFile() {}

    /** The file after interpolation, as a tree. */
    static JsonNode read() {
        try {
            String text = interpolate(Files.readString(FILE));
            Object loaded = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
            return JSON.valueToTree(loaded);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Each service's environment, in the order the file gives it. */
    static Map<String, Map<String, String>> environments() {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        read().path("services").properties().forEach(s -> {
            Map<String, String> env = new LinkedHashMap<>();
            s.getValue()
                    .path("environment")
                    .properties()
                    .forEach(e -> env.put(e.getKey(), e.getValue().asString()));
            out.put(s.getKey(), env);
        });
        return out;
    }

    /** Replaces {@code ${VAR}}, {@code ${VAR:-default}} by the default ("" without one); {@code $$} by {@code $}. */
    static String interpolate(String text) {
        StringBuilder out = new StringBuilder();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (!line.strip().startsWith("#")) {
                Matcher m = VARIABLE.matcher(line);
                line = m.replaceAll(r -> Matcher.quoteReplacement(r.group(2) == null ? "" : r.group(2)));
                line = line.replace("$$", "$");
            }
            out.append(line);
            if (i < lines.length - 1) {
                out.append('\n');
            }
        }
        return out.toString();
    }
}
