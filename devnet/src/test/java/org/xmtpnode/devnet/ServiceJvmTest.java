package org.xmtpnode.devnet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceJvmTest {

    @TempDir
    Path dir;

    @Test
    void readsAJdksVersionFromItsReleaseFile() throws IOException {
        Files.writeString(
                dir.resolve("release"),
                "IMPLEMENTOR=\"Eclipse Adoptium\"\nJAVA_VERSION=\"25.0.3\"\nOS_NAME=\"Linux\"\n");
        assertThat(ServiceJvm.version(dir)).contains(Runtime.Version.parse("25.0.3"));
    }

    @Test
    void aFolderWithoutAReleaseFileIsNoJdk() {
        assertThat(ServiceJvm.version(dir)).isEmpty();
    }

    @Test
    void theChosenJdkIsAtLeastTheOneThatRunsTheDevnet() {
        assertThat(ServiceJvm.fromEnvironment().version()).isGreaterThanOrEqualTo(Runtime.version());
    }

    @Test
    void beforeJava25OrWithoutACacheTheServiceStartsFromItsJar() throws IOException {
        Path jar = Files.write(dir.resolve("relay-service-1.jar"), new byte[] {1, 2, 3});
        List<String> options = List.of("-Xmx512m");
        assertThat(new ServiceJvm(dir, Runtime.Version.parse("17.0.15"), true).classes(jar, options))
                .containsExactly("-jar", jar.toString());
        assertThat(new ServiceJvm(dir, Runtime.Version.parse("25.0.3"), true).classes(jar, options))
                .containsExactly("-jar", jar.toString());
        assertThat(new ServiceJvm(dir, Runtime.Version.parse("17.0.15"), true)
                        .train(jar, options, List.of(), List.of(), dir.resolve("training.log")))
                .isEmpty();
    }
}
