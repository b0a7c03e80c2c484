package org.xmtpnode.devnet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
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

    @Test
    void aJarProcessedAheadOfTimeStartsInSpringsAotModeUnlessItIsTurnedOff() throws IOException {
        Path processed = bootJar("topic-service-1.jar", "org.example.App", true);
        Path plain = bootJar("relay-service-1.jar", "org.example.App", false);
        List<String> options = List.of("-Xmx512m");
        ServiceJvm on = new ServiceJvm(dir, Runtime.Version.parse("17.0.15"), true);
        ServiceJvm off = new ServiceJvm(dir, Runtime.Version.parse("17.0.15"), false);

        assertThat(on.classes(processed, options))
                .containsExactly(ServiceJvm.SPRING_AOT_MODE, "-jar", processed.toString());
        assertThat(on.classes(plain, options)).containsExactly("-jar", plain.toString());
        assertThat(off.classes(processed, options)).containsExactly("-jar", processed.toString());
    }

    /** A jar laid out as Spring Boot's: its main class named in the manifest, classes under BOOT-INF. */
    private Path bootJar(String name, String mainClass, boolean processedAheadOfTime) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("Start-Class", mainClass);
        Path jar = dir.resolve(name);
        String classes = "BOOT-INF/classes/" + mainClass.replace('.', '/');
        try (OutputStream file = Files.newOutputStream(jar);
                JarOutputStream out = new JarOutputStream(file, manifest)) {
            out.putNextEntry(new JarEntry(classes + ".class"));
            out.closeEntry();
            if (processedAheadOfTime) {
                out.putNextEntry(new JarEntry(classes + "__ApplicationContextInitializer.class"));
                out.closeEntry();
            }
        }
        return jar;
    }
}
