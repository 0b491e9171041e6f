package dev.allocator.compose.stats;

import java.util.Map;

/**
 * The JMX view of a {@link StatsAllocator}, registered as {@code dev.allocator:type=Allocator,name=<name>}; JConsole,
 * VisualVM and JMX exporters see it with no extra dependency.
 *
 * {@snippet :
 * ObjectName name = new ObjectName("dev.allocator:type=Allocator,name=frames");
 * long inUse = (Long) ManagementFactory.getPlatformMBeanServer().getAttribute(name, "BytesInUse");
 * }
 */
public interface AllocatorStatsMXBean {

    /**
     * Successful allocations.
     *
     * @return the count
     */
    long getAllocations();

    /**
     * Successful deallocations.
     *
     * @return the count
     */
    long getDeallocations();

    /**
     * Failed allocation requests.
     *
     * @return the count
     */
    long getFailures();

    /**
     * Bytes handed out and not given back.
     *
     * @return bytes
     */
    long getBytesInUse();

    /**
     * Bytes the allocator beneath holds.
     *
     * @return bytes
     */
    long getBytesReserved();

    /**
     * Allocations by size class: key {@code "<=64"} counts requests of 33 to 64 bytes.
     *
     * @return counts by the class's upper bound, non-empty classes only
     */
    Map<String, Long> getSizeHistogram();

    /**
     * Allocations by call site ({@code Class.method(File.java:line)}), when sites are captured.
     *
     * @return counts by site; empty when site capture is off
     */
    Map<String, Long> getSites();
}
