package dev.allocator.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The machine a run was made on, as written beside the numbers.
 *
 * @param cpus        available processors ({@code nproc})
 * @param cpuModel    the CPU's model name from {@code /proc/cpuinfo}, or {@code unknown}
 * @param memoryBytes physical memory from {@code /proc/meminfo}, or 0 if unknown
 * @param os          the operating system's name, version and architecture
 */
record Machine(int cpus, String cpuModel, long memoryBytes, String os) {

    /**
     * Describes the machine this JVM runs on. Meant to run right after the benchmarks, on the same machine.
     *
     * @return the description; fields that cannot be read are {@code unknown} or 0
     */
    static Machine current() {
        return new Machine(Runtime.getRuntime().availableProcessors(),
                field(lines(Path.of("/proc/cpuinfo")), "model name").orElse("unknown"),
                field(lines(Path.of("/proc/meminfo")), "MemTotal").map(Machine::kibToBytes).orElse(0L),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                        + System.getProperty("os.arch"));
    }

    /**
     * Returns the value of the first {@code key : value} line with the given key.
     *
     * @param lines the lines of a {@code /proc} file
     * @param key   the key
     * @return the trimmed value, if any
     */
    static java.util.Optional<String> field(List<String> lines, String key) {
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equals(key)) {
                return java.util.Optional.of(line.substring(colon + 1).trim());
            }
        }
        return java.util.Optional.empty();
    }

    private static long kibToBytes(String value) {
        String digits = value.replaceAll("[^0-9]", "");
        return digits.isEmpty() ? 0 : Long.parseLong(digits) * 1024;
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException | SecurityException e) {
            return List.of();
        }
    }

    /** {@code 2 CPUs (AMD EPYC), 23.5 GiB memory, Linux 6.8 amd64}. */
    String describe() {
        String memory = memoryBytes > 0 ? String.format(java.util.Locale.ROOT, "%.1f GiB memory",
                memoryBytes / (double) (1L << 30)) : "memory unknown";
        return cpus + (cpus == 1 ? " CPU" : " CPUs") + " (" + cpuModel + "), " + memory + ", " + os;
    }
}
