package dev.allocator.pages.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the kernel says about huge pages and NUMA, read from {@code /proc} and {@code /sys} when asked (the values
 * can change while the process runs: an administrator may reserve huge pages). A file that is absent reads as the
 * answer of a kernel without the feature.
 */
public final class Machine {

    /** The sysctl file of reserved hugetlb pages. */
    public static final String NR_HUGEPAGES = "/proc/sys/vm/nr_hugepages";
    /** The transparent huge page mode: {@code always [madvise] never}, the bracketed one in force. */
    public static final String THP_ENABLED = "/sys/kernel/mm/transparent_hugepage/enabled";
    /** The online NUMA nodes, as a list of ranges ({@code 0}, {@code 0-3}, {@code 0,2}). */
    public static final String NODES_ONLINE = "/sys/devices/system/node/online";

    private static final long TWO_MIB = 2L << 20;

    private Machine() {
    }

    /** The file's first line, trimmed, or {@code null} when it cannot be read. */
    static String read(String file) {
        try {
            List<String> lines = Files.readAllLines(Path.of(file));
            return lines.isEmpty() ? "" : lines.getFirst().strip();
        } catch (IOException | SecurityException e) {
            return null;
        }
    }

    /** The size of a huge page: the THP PMD size, else {@code Hugepagesize} in {@code /proc/meminfo}, else 2 MiB. */
    public static long hugePageSize() {
        String pmd = read("/sys/kernel/mm/transparent_hugepage/hpage_pmd_size");
        if (pmd != null && !pmd.isEmpty()) {
            return Long.parseLong(pmd);
        }
        long kib = meminfo("Hugepagesize:");
        return kib > 0 ? kib << 10 : TWO_MIB;
    }

    /** A {@code /proc/meminfo} figure (kB or a count), or -1 when absent. */
    public static long meminfo(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith(key)) {
                    return Long.parseLong(line.substring(key.length()).replace("kB", "").strip());
                }
            }
        } catch (IOException | SecurityException e) {
            return -1;
        }
        return -1;
    }

    /** The THP mode line, e.g. {@code always [madvise] never}, or {@code absent} without THP. */
    public static String transparentMode() {
        String mode = read(THP_ENABLED);
        return mode == null ? "absent" : mode;
    }

    /** Whether {@code madvise(MADV_HUGEPAGE)} can give huge pages: THP is {@code [always]} or {@code [madvise]}. */
    public static boolean transparentAvailable() {
        String mode = transparentMode();
        return mode.contains("[always]") || mode.contains("[madvise]");
    }

    /** {@code vm.nr_hugepages}, or 0 when unreadable. */
    public static long reservedHugePages() {
        String value = read(NR_HUGEPAGES);
        return value == null || value.isEmpty() ? 0 : Long.parseLong(value);
    }

    /**
     * The online NUMA nodes. A kernel without NUMA has no {@link #NODES_ONLINE}: all its memory is node 0.
     *
     * @return the node numbers, ascending
     */
    public static List<Integer> onlineNodes() {
        String ranges = read(NODES_ONLINE);
        List<Integer> nodes = new ArrayList<>();
        if (ranges == null || ranges.isEmpty()) {
            nodes.add(0);
            return nodes;
        }
        for (String range : ranges.split(",")) {
            String[] ends = range.strip().split("-");
            int from = Integer.parseInt(ends[0]);
            int to = ends.length > 1 ? Integer.parseInt(ends[1]) : from;
            for (int node = from; node <= to; node++) {
                nodes.add(node);
            }
        }
        return nodes;
    }

    /** Whether the kernel knows NUMA (it has {@link #NODES_ONLINE}). */
    public static boolean hasNuma() {
        return read(NODES_ONLINE) != null;
    }
}
