package dev.allocator.tests.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a scenario that could crash the JVM (a use after free, a touch of a guard page) in a child JVM with this
 * test's class path, and reports how that JVM ended, so that the test JVM survives whatever happens.
 *
 * <p>A scenario is a class with a {@code main(String[])}: it exits 0 when the scenario ended as the model says, and
 * prints what it saw. A JVM killed by a signal (SIGSEGV handled by the JVM ends in SIGABRT after it writes
 * {@code hs_err}) exits above 128 and is reported as {@link Ended#crashed()}.
 */
public final class ChildJvm {

    /** The flags every child gets: native access for the system allocator, no core dump, a small heap. */
    private static final List<String> FLAGS = List.of("--enable-native-access=ALL-UNNAMED", "-XX:-CreateCoredumpOnCrash",
            "-Xmx512m", "-Xshare:auto");

    private ChildJvm() {
    }

    /**
     * How a child JVM ended.
     *
     * @param exitCode the exit code (above 128: killed by signal {@code exitCode - 128})
     * @param output   what it printed, standard output and error together
     */
    public record Ended(int exitCode, String output) {

        /** Whether the JVM died from a signal (a crash) rather than returning from {@code main} or exiting. */
        public boolean crashed() {
            return exitCode > 128 || output.contains("A fatal error has been detected by the Java Runtime");
        }

        @Override
        public String toString() {
            return "exit code " + exitCode + (crashed() ? " (crashed)" : "") + ", output:\n" + output;
        }
    }

    /**
     * Runs {@code main} in a child JVM and waits for it.
     *
     * @param main    the scenario class (its {@code main(String[])} is run)
     * @param timeout how long before the child is killed (an {@link AssertionError} then)
     * @param args    the scenario's arguments
     * @return how it ended
     */
    public static Ended run(Class<?> main, Duration timeout, String... args) {
        return run(main, List.of(), timeout, args);
    }

    /**
     * Runs {@code main} in a child JVM with extra JVM flags and waits for it.
     *
     * @param main     the scenario class
     * @param jvmFlags flags before the class name (system properties, heap size)
     * @param timeout  how long before the child is killed (an {@link AssertionError} then)
     * @param args     the scenario's arguments
     * @return how it ended
     */
    public static Ended run(Class<?> main, List<String> jvmFlags, Duration timeout, String... args) {
        List<String> command = command(main, jvmFlags, args);
        Path log = null;
        try {
            Path directory = Files.createTempDirectory("child-jvm");
            log = directory.resolve("output.txt");
            Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
                throw new AssertionError("child JVM running " + main.getName() + " did not end within " + timeout
                        + "; output:\n" + Files.readString(log, StandardCharsets.UTF_8));
            }
            return new Ended(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError("could not run a child JVM for " + main.getName() + " (log " + log + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for " + main.getName(), e);
        }
    }

    /**
     * Starts {@code main} in a child JVM and returns at once, for a test that talks to the child while it runs or
     * kills it ({@link Process#destroyForcibly()}); standard error goes to standard output, which the caller reads.
     * The caller must make sure the child ends.
     *
     * @param main     the scenario class
     * @param jvmFlags flags before the class name
     * @param args     the scenario's arguments
     * @return the running child
     * @throws IOException if it cannot be started
     */
    public static Process start(Class<?> main, List<String> jvmFlags, String... args) throws IOException {
        return new ProcessBuilder(command(main, jvmFlags, args)).redirectErrorStream(true).start();
    }

    private static List<String> command(Class<?> main, List<String> jvmFlags, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(FLAGS);
        command.addAll(jvmFlags);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(main.getName());
        command.addAll(List.of(args));
        return command;
    }
}
