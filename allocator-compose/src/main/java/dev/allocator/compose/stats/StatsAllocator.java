package dev.allocator.compose.stats;

import dev.allocator.api.AllocationException;
import dev.allocator.api.Allocator;
import dev.allocator.api.AllocatorStats;
import dev.allocator.api.Layout;
import dev.allocator.api.Measure;
import dev.allocator.compose.ForwardingAllocator;
import dev.allocator.compose.internal.CallSites;
import dev.allocator.compose.jfr.AllocationFailedEvent;

import javax.management.InstanceAlreadyExistsException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * Counts what passes through it (allocations, deallocations, failures, bytes in use, allocations by size class and,
 * optionally, by call site) and shows them through {@link #stats()}, JMX ({@link AllocatorStatsMXBean}) and JFR
 * ({@link AllocationFailedEvent} for every failed request: exhaustion, budget refusals, out of memory).
 *
 * {@snippet :
 * try (StatsAllocator frames = (StatsAllocator) Allocators.open("stats(name=frames) > pool(blockSize=2KiB, capacity=4096)")) {
 *     // ... serve traffic ...
 *     System.out.println(frames.sizeHistogram());   // {<=2048=1000000}
 * }
 * }
 *
 * <p>Thread-safe when the backing allocator is. Counters are striped by thread and folded on read, so threads
 * on different stripes write no common cache line. A snapshot of a busy allocator is not atomic (each figure was
 * true at some instant during the read), but it keeps the invariants of a quiet one: deallocations never exceed
 * allocations and bytes in use are never negative, even when one thread frees what another allocated. Site capture walks the stack on every allocation and
 * costs microseconds: keep it for diagnosis. The MXBean is unregistered on close.
 */
public final class StatsAllocator extends ForwardingAllocator implements AllocatorStatsMXBean {

    private static final int CLASSES = StatsCounts.CLASSES;

    private final String name;
    private final StatsCounts counts = new StatsCounts();
    private final ConcurrentHashMap<String, LongAdder> bySite;
    private final ObjectName objectName;

    /**
     * Creates a counting allocator.
     *
     * @param name         the name for JMX and toString
     * @param backing      the allocator to count
     * @param captureSites whether to count allocations by call site
     * @param jmx          whether to register the MXBean
     * @param ownsBacking  whether {@link #close()} closes {@code backing}
     * @throws IllegalArgumentException when {@code jmx} and the name is not a valid JMX name value
     */
    public StatsAllocator(String name, Allocator backing, boolean captureSites, boolean jmx, boolean ownsBacking) {
        super("stats(" + name + ")", backing, ownsBacking);
        this.name = Objects.requireNonNull(name, "name");
        this.bySite = captureSites ? new ConcurrentHashMap<>() : null;
        this.objectName = jmx ? register(name) : null;
    }

    private ObjectName register(String baseName) {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        for (int attempt = 1; ; attempt++) {
            String unique = attempt == 1 ? baseName : baseName + "-" + attempt;
            try {
                ObjectName candidate = new ObjectName("dev.allocator:type=Allocator,name=" + ObjectName.quote(unique));
                server.registerMBean(this, candidate);
                return candidate;
            } catch (InstanceAlreadyExistsException taken) {
                // try the next suffix
            } catch (JMException e) {
                throw new IllegalArgumentException("stats: cannot register the MXBean for name=" + baseName, e);
            }
        }
    }

    /**
     * The JMX name this allocator is registered under.
     *
     * @return the name, or {@code null} when JMX is off
     */
    public ObjectName objectName() {
        return objectName;
    }

    @Override
    public MemorySegment allocate(Layout layout) {
        requireOpen();
        try {
            return counted(backing.allocate(layout), layout);
        } catch (AllocationException e) {
            failed(layout, e.reason().name());
            throw e;
        }
    }

    @Override
    public MemorySegment tryAllocate(Layout layout) {
        requireOpen();
        MemorySegment segment = backing.tryAllocate(layout);
        if (segment == null) {
            failed(layout, "UNSATISFIED");
            return null;
        }
        return counted(segment, layout);
    }

    @Override
    public MemorySegment allocateZeroed(Layout layout) {
        requireOpen();
        try {
            return counted(backing.allocateZeroed(layout), layout);
        } catch (AllocationException e) {
            failed(layout, e.reason().name());
            throw e;
        }
    }

    private MemorySegment counted(MemorySegment segment, Layout layout) {
        counts.allocated(layout.size());
        final ConcurrentHashMap<String, LongAdder> bySite = this.bySite;
        if (bySite != null) {
            bySite.computeIfAbsent(CallSites.innermost(), s -> new LongAdder()).increment();
        }
        return segment;
    }

    private void failed(Layout layout, String reason) {
        counts.failed();
        AllocationFailedEvent event = new AllocationFailedEvent();
        if (event.shouldCommit()) {
            event.allocator = toString();
            event.reason = reason;
            event.size = layout.size();
            event.alignment = layout.alignment();
            event.commit();
        }
    }

    @Override
    public void deallocate(MemorySegment segment, Layout layout) {
        requireOpen();
        backing.deallocate(segment, layout);
        counts.freed(layout.size());
    }

    @Override
    public AllocatorStats stats() {
        final long[] folded = counts.fold();
        return new AllocatorStats(folded[0], folded[1], folded[2], folded[3], backing.stats().bytesReserved());
    }

    @Override
    public long getAllocations() {
        return counts.allocations();
    }

    @Override
    public long getDeallocations() {
        return counts.deallocations();
    }

    @Override
    public long getFailures() {
        return counts.failures();
    }

    @Override
    public long getBytesInUse() {
        return counts.bytesInUse();
    }

    @Override
    public long getBytesReserved() {
        return backing.stats().bytesReserved();
    }

    /**
     * Allocations by size class, keyed by the class's upper bound in bytes.
     *
     * @return non-empty classes, smallest first
     */
    public Map<Long, Long> sizeHistogram() {
        Map<Long, Long> histogram = new TreeMap<>();
        for (int c = 0; c < CLASSES; c++) {
            long count = counts.ofClass(c);
            if (count != 0) {
                histogram.put(c == CLASSES - 1 ? Long.MAX_VALUE : 1L << c, count);
            }
        }
        return histogram;
    }

    @Override
    public Map<String, Long> getSizeHistogram() {
        Map<String, Long> view = new TreeMap<>();
        sizeHistogram().forEach((bound, count) -> view.put("<=" + bound, count));
        return view;
    }

    @Override
    public Map<String, Long> getSites() {
        Map<String, Long> view = new TreeMap<>();
        if (bySite != null) {
            bySite.forEach((site, count) -> view.put(site, count.sum()));
        }
        return view;
    }

    /** Unregisters the MXBean. */
    @Override
    protected void onClose() {
        if (objectName != null) {
            try {
                ManagementFactory.getPlatformMBeanServer().unregisterMBean(objectName);
            } catch (JMException e) {
                throw new IllegalStateException("stats(" + name + "): cannot unregister " + objectName, e);
            }
        }
    }

    /** The largest class the histogram measures publish alone; larger ones share the {@code +Inf} bucket. */
    private static final int MEASURED_CLASSES = 32;

    /**
     * Lists one counter per size class of {@link #sizeHistogram()} up to 4 GiB and one for larger sizes
     * ({@code layer=stats}, tagged {@code size.max}), then the backing's measures.
     */
    @Override
    public void measures(Consumer<? super Measure> sink) {
        for (int c = 0; c <= MEASURED_CLASSES + 1; c++) {
            final int from = c;
            final int to = c <= MEASURED_CLASSES ? c + 1 : CLASSES;
            sink.accept(Measure.counter("allocator.allocations.by.size", "stats", "allocations",
                    "Allocations of at most size.max bytes and more than the next smaller bucket's", this,
                    s -> s.ofClasses(from, to)).tag("size.max", to == CLASSES ? "+Inf" : Long.toString(1L << c)));
        }
        super.measures(sink);
    }

    private long ofClasses(int from, int to) {
        long count = 0;
        for (int c = from; c < to; c++) {
            count += counts.ofClass(c);
        }
        return count;
    }
}
