package dev.allocator.compose.checked;

import dev.allocator.api.AllocationException;
import dev.allocator.api.Allocator;
import dev.allocator.api.AllocatorStats;
import dev.allocator.api.Checks;
import dev.allocator.api.Layout;
import dev.allocator.compose.ForwardingAllocator;
import dev.allocator.compose.internal.CallSites;
import dev.allocator.compose.jfr.LeakEvent;
import org.eclipse.collections.impl.map.mutable.primitive.LongIntHashMap;
import org.eclipse.collections.impl.map.mutable.primitive.LongObjectHashMap;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Checked mode: tracks every live allocation (address, size, alignment, and optionally the allocating stack), rejects
 * double frees, foreign frees and size or alignment mismatches with a message that names the allocation, and reports
 * leaks on {@link #close()}.
 *
 * {@snippet :
 * try (Allocator checked = Allocators.open("checked(onLeak=throw, sites=true) > pool(blockSize=64, capacity=1024)")) {
 *     MemorySegment block = checked.allocate(Layout.of(64));
 *     // forgetting checked.deallocate(block, Layout.of(64)) makes close() throw:
 *     // checked > pool(...) closed with 1 leaked allocation, 64 bytes
 *     //   64 B aligned 1 at 0x7f..., allocated
 *     //       at com.example.Handler.onPacket(Handler.java:42) ...
 * }
 * }
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>Thread-safe when the backing allocator is. The bookkeeping is guarded by one lock (this is a debugging mode;
 *       it serializes allocation and deallocation).</li>
 *   <li>{@link #deallocate} throws {@link IllegalArgumentException} for a segment that did not come from the backing
 *       allocator, and for a segment or layout whose size or alignment differs from the allocation's (the message
 *       names the allocation and, with sites, where it was allocated); {@link IllegalStateException} when no live
 *       allocation starts there (a double free). Nothing changes after a rejected call.</li>
 *   <li>{@link #close()} gives every leaked allocation back to the backing allocator, records a
 *       {@link LeakEvent}, then follows its {@link LeakPolicy}: log a warning, throw {@link IllegalStateException}
 *       with the {@link LeakReport} (after closing the backing allocator), or stay silent.</li>
 *   <li>The live allocations sit in Eclipse Collections primitive maps keyed by address: no boxing. With sites on,
 *       each allocation also captures up to {@value #SITE_DEPTH} stack frames, which costs microseconds.</li>
 * </ul>
 */
public final class CheckedAllocator extends ForwardingAllocator {

    /*
     * Maintainers' notes. `live` maps address -> segment and `layouts` address -> layout, for allocations of size
     * > 0; zero-size allocations may share an address with a neighbour (an arena hands out the same address for
     * size 0 and the next request), so they are counted per address in `zeroSized` instead. Every map access holds
     * `lock`. deallocate removes the record under the lock before calling the backing allocator and puts it back if
     * the backing allocator refuses, so a rejected call leaves the bookkeeping as it was.
     */

    /** Stack frames kept per allocation site. */
    public static final int SITE_DEPTH = 12;

    private static final StackTraceElement[] NO_SITE = new StackTraceElement[0];

    private final Object lock = new Object();
    private final LongObjectHashMap<MemorySegment> live = new LongObjectHashMap<>();
    private final LongObjectHashMap<Layout> layouts = new LongObjectHashMap<>();
    private final LongObjectHashMap<StackTraceElement[]> sites = new LongObjectHashMap<>();
    private final LongIntHashMap zeroSized = new LongIntHashMap();
    private final LeakPolicy onLeak;
    private final boolean captureSites;
    private long allocations;
    private long deallocations;
    private long failures;
    private long bytesInUse;

    /**
     * Creates a checked allocator.
     *
     * @param backing      the allocator to check
     * @param onLeak       what {@link #close()} does about leaks
     * @param captureSites whether to record where each allocation was made
     * @param ownsBacking  whether {@link #close()} closes {@code backing}
     */
    public CheckedAllocator(Allocator backing, LeakPolicy onLeak, boolean captureSites, boolean ownsBacking) {
        super("checked", backing, ownsBacking);
        this.onLeak = Objects.requireNonNull(onLeak, "onLeak");
        this.captureSites = captureSites;
    }

    @Override
    public MemorySegment allocate(Layout layout) {
        requireOpen();
        final MemorySegment segment;
        try {
            segment = backing.allocate(layout);
        } catch (AllocationException e) {
            countFailure();
            throw e;
        }
        return track(segment, layout);
    }

    @Override
    public MemorySegment tryAllocate(Layout layout) {
        requireOpen();
        return track(backing.tryAllocate(layout), layout);
    }

    @Override
    public MemorySegment allocateZeroed(Layout layout) {
        requireOpen();
        final MemorySegment segment;
        try {
            segment = backing.allocateZeroed(layout);
        } catch (AllocationException e) {
            countFailure();
            throw e;
        }
        return track(segment, layout);
    }

    private void countFailure() {
        synchronized (lock) {
            failures++;
        }
    }

    private MemorySegment track(MemorySegment segment, Layout layout) {
        final StackTraceElement[] site = captureSites ? CallSites.capture(SITE_DEPTH) : NO_SITE;
        synchronized (lock) {
            if (segment == null) {
                failures++;
                return null;
            }
            final long address = segment.address();
            if (segment.byteSize() == 0) {
                zeroSized.addToValue(address, 1);
            } else {
                MemorySegment clash = live.get(address);
                if (clash != null) {
                    throw new IllegalStateException(backing + " handed out " + Checks.hex(address)
                            + " while the allocation there of " + clash.byteSize() + " B is still live");
                }
                live.put(address, segment);
                layouts.put(address, layout);
                if (captureSites) {
                    sites.put(address, site);
                }
            }
            allocations++;
            bytesInUse += segment.byteSize();
        }
        return segment;
    }


    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException when the segment did not come from the backing allocator, or its size, the
     *                                  layout's size or the layout's alignment differs from the allocation's
     * @throws IllegalStateException    when no live allocation starts at the segment's address (double free)
     */
    @Override
    public void deallocate(MemorySegment segment, Layout layout) {
        Objects.requireNonNull(segment, "segment");
        Objects.requireNonNull(layout, "layout");
        requireOpen();
        final long address = segment.address();
        final Layout recorded;
        final StackTraceElement[] site;
        synchronized (lock) {
            if (segment.byteSize() == 0 && layout.size() == 0) {
                if (zeroSized.get(address) == 0) {
                    throw notLive(segment);
                }
                if (zeroSized.addToValue(address, -1) == 0) {
                    zeroSized.remove(address);
                }
                recorded = layout;
                site = NO_SITE;
            } else {
                MemorySegment allocation = live.get(address);
                if (allocation == null) {
                    throw notLive(segment);
                }
                recorded = layouts.get(address);
                site = sites.get(address);
                if (segment.byteSize() != allocation.byteSize() || layout.size() != recorded.size()
                        || layout.alignment() != recorded.alignment()) {
                    throw new IllegalArgumentException("deallocate does not match the allocation at "
                            + Checks.hex(address) + " of " + recorded + describe(site) + ": the segment has "
                            + segment.byteSize() + " B and the layout says " + layout);
                }
                live.remove(address);
                layouts.remove(address);
                sites.remove(address);
            }
            deallocations++;
            bytesInUse -= layout.size();
        }
        try {
            backing.deallocate(segment, layout);
        } catch (RuntimeException refused) {
            restore(segment, recorded, site);
            throw refused;
        }
    }

    private void restore(MemorySegment segment, Layout layout, StackTraceElement[] site) {
        synchronized (lock) {
            long address = segment.address();
            if (segment.byteSize() == 0) {
                zeroSized.addToValue(address, 1);
            } else {
                live.put(address, segment);
                layouts.put(address, layout);
                if (site != null && captureSites) {
                    sites.put(address, site);
                }
            }
            deallocations--;
            bytesInUse += layout.size();
        }
    }

    private RuntimeException notLive(MemorySegment segment) {
        String where = Checks.hex(segment.address()) + " (" + segment.byteSize() + " B)";
        if (!backing.owns(segment)) {
            return new IllegalArgumentException("segment at " + where + " was not allocated by " + this);
        }
        return new IllegalStateException("no live allocation of " + this + " starts at " + where
                + ": it was deallocated already (double free), or did not come through this checked allocator");
    }

    private static String describe(StackTraceElement[] site) {
        return site == null || site.length == 0 ? "" : " allocated at " + site[0];
    }

    /**
     * The allocations live now, as {@link #close()} would report them.
     *
     * @return the report
     */
    public LeakReport leakReport() {
        synchronized (lock) {
            List<LeakReport.Leak> leaks = new ArrayList<>(live.size() + zeroSized.size());
            live.forEachKeyValue((address, segment) -> {
                Layout layout = layouts.get(address);
                StackTraceElement[] site = sites.get(address);
                leaks.add(new LeakReport.Leak(address, layout.size(), layout.alignment(),
                        site == null ? NO_SITE : site));
            });
            zeroSized.forEachKeyValue((address, count) -> {
                for (int i = 0; i < count; i++) {
                    leaks.add(new LeakReport.Leak(address, 0, 1, NO_SITE));
                }
            });
            return new LeakReport(toString(), List.copyOf(leaks));
        }
    }

    @Override
    public AllocatorStats stats() {
        synchronized (lock) {
            return new AllocatorStats(allocations, deallocations, failures, bytesInUse,
                    backing.stats().bytesReserved());
        }
    }

    /** Gives leaked memory back, records a JFR event, then applies the leak policy. */
    @Override
    protected void onClose() {
        LeakReport report = leakReport();
        if (report.count() == 0) {
            return;
        }
        List<MemorySegment> leaked = new ArrayList<>();
        List<Layout> leakedLayouts = new ArrayList<>();
        synchronized (lock) {
            live.forEachKeyValue((address, segment) -> {
                leaked.add(segment);
                leakedLayouts.add(layouts.get(address));
            });
            live.clear();
            layouts.clear();
            sites.clear();
            zeroSized.clear();
            bytesInUse = 0;
        }
        RuntimeException failure = null;
        for (int i = 0; i < leaked.size(); i++) {
            try {
                backing.deallocate(leaked.get(i), leakedLayouts.get(i));
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        LeakEvent event = new LeakEvent();
        if (event.shouldCommit()) {
            event.allocator = report.allocator();
            event.count = report.count();
            event.bytes = report.bytes();
            event.report = report.toString();
            event.commit();
        }
        switch (onLeak) {
            case LOG -> System.getLogger(CheckedAllocator.class.getName())
                    .log(System.Logger.Level.WARNING, report.toString());
            case THROW -> {
                IllegalStateException leak = new IllegalStateException(report.toString());
                if (failure != null) {
                    leak.addSuppressed(failure);
                }
                throw leak;
            }
            case FREE -> {
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
