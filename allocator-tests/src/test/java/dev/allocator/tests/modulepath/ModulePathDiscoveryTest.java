package dev.allocator.tests.modulepath;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Proves discovery on the module path: a child JVM gets allocator-api and allocator-system on {@code --module-path}
 * and must find {@code system} in the named module {@code dev.allocator.system}, which only its
 * {@code module-info.java} {@code provides} clause can achieve (a named module's {@code META-INF/services} is
 * ignored).
 */
class ModulePathDiscoveryTest {

    /** Only a guard against a hung child; the run takes about a second. */
    private static final long CHILD_TIMEOUT_SECONDS = 60;

    /** The class-path entry of a module's main classes: its target/classes directory or its jar. */
    private static Path moduleOutput(String artifactId) {
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path path = Path.of(entry);
            String name = path.getFileName() == null ? "" : path.getFileName().toString();
            boolean classesDir = name.equals("classes") && path.getParent() != null
                    && path.getParent().getParent() != null
                    && path.getParent().getParent().getFileName().toString().equals(artifactId);
            boolean jar = name.startsWith(artifactId + "-") && name.endsWith(".jar") && !name.contains("-tests");
            if ((classesDir || jar) && Files.exists(path)) {
                return path;
            }
        }
        throw new AssertionError("no output of " + artifactId + " on the class path: "
                + System.getProperty("java.class.path"));
    }

    @Test
    void shouldFindSystemProviderInItsNamedModuleOnTheModulePath() throws IOException, InterruptedException,
            URISyntaxException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path testClasses = Path.of(ListProviders.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        String modulePath = moduleOutput("allocator-api") + File.pathSeparator + moduleOutput("allocator-system");
        List<String> command = new ArrayList<>(List.of(java.toString(),
                "--module-path", modulePath,
                "--add-modules", "dev.allocator.system",
                "--enable-native-access=dev.allocator.system",
                "-cp", testClasses.toString(),
                ListProviders.class.getName()));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        child.getOutputStream().close();
        if (!child.waitFor(CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            child.destroyForcibly();
            fail("the child JVM did not finish: " + command + "\n" + read(child));
        }
        String output = read(child);
        String context = "command: " + String.join(" ", command) + "\noutput:\n" + output;
        assertEquals(0, child.exitValue(), context);
        assertTrue(output.contains("provider system named=true module=dev.allocator.system"), context);
        assertTrue(output.contains("allocated through dev.allocator.system"), context);
        assertTrue(!output.contains("problem "), context);
        assertTrue(!output.contains("WARNING: A restricted method"), "native access must be enabled: " + context);
    }

    private static String read(Process child) throws IOException {
        return new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
}
