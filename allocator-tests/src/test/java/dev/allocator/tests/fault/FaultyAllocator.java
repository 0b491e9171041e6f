package dev.allocator.tests.fault;

import dev.allocator.api.AllocationException;
import dev.allocator.api.Allocator;
import dev.allocator.api.AllocatorStats;
import dev.allocator.api.Layout;
import dev.allocator.compose.ForwardingAllocator;
import dev.allocator.system.SystemAllocator;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;

/**
 * A stage that makes the allocator beneath it fail on the calls a {@link FaultPlan} picks, and counts what passes
 * through it, so that a test can read, after the whole spec is closed, whether the stages above gave back everything
 * they took ({@link #liveBytesAtClose()}) and whether the allocator beneath freed everything
 * ({@link #backingStats()}). Opened from specs as {@code faulty(...)} (see {@link FaultyProvider}).
 *
 * <p>An injected failure looks like the allocator beneath refusing: in mode {@link Mode#NULL}, {@code tryAllocate}
 * returns {@code null} and {@code allocate} and {@code allocateZeroed} throw {@link AllocationException} with reason
 * {@code OUT_OF_NATIVE_MEMORY}; in mode {@link Mode#THROW} all three throw it (a backing that breaks
 * {@code tryAllocate}'s promise). Deallocations always go through.
 *
 * <p>Thread-safe when the allocator beneath is. {@link #stats()} is the stats of the allocator beneath, with the
 * injected failures added to its {@code failures}.
 */
public final class FaultyAllocator extends ForwardingAllocator {

    /*
     * Maintainers' notes. Each allocation call takes the next number from `calls` (getAndAdd, the only shared write
     * on the path) and asks the plan about that number while armed; a failing call never reaches the backing. The
     * counters below count successful calls through this stage; liveBytes = bytes handed out through it and not
     * given back, which onClose() copies into liveBytesAtClose before the backing is closed.
     */

    /** How an injected failure shows. */
    public enum Mode {
        /** {@code tryAllocate} returns {@code null}; {@code allocate} and {@code allocateZeroed} throw. */
        NULL,
        /** All three throw {@link AllocationException}. */
        THROW
    }

    private static final VarHandle CALLS;

    static {
        try {
            CALLS = MethodHandles.lookup().findVarHandle(FaultyAllocator.class, "calls", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final String id;
    private final FaultPlan plan;
    private final Mode mode;
    private volatile boolean armed;
    @SuppressWarnings("unused") // through CALLS
    private volatile long calls;
    private final LongAdder injected = new LongAdder();
    private final LongAdder allocations = new LongAdder();
    private final LongAdder deallocations = new LongAdder();
    private final LongAdder liveBytes = new LongAdder();
    private volatile long liveBytesAtClose = -1;

    /**
     * Creates a faulty stage that owns {@code backing}.
     *
     * @param id      the name it is registered under in {@link FaultyProvider}
     * @param backing the allocator beneath
     * @param plan    which calls fail
     * @param mode    how they fail
     * @param armed   whether the plan applies from the start (see {@link #arm(boolean)})
     */
    public FaultyAllocator(String id, Allocator backing, FaultPlan plan, Mode mode, boolean armed) {
        super("faulty(id=" + id + ")", backing, true);
        this.id = Objects.requireNonNull(id, "id");
        this.plan = Objects.requireNonNull(plan, "plan");
        this.mode = Objects.requireNonNull(mode, "mode");
        this.armed = armed;
    }

    /** Whether the next call fails; counts the call and the fault. */
    private boolean inject(Layout layout) {
        Objects.requireNonNull(layout, "layout");
        requireOpen();
        long call = (long) CALLS.getAndAdd(this, 1L) + 1;
        if (armed && plan.fails(call)) {
            injected.increment();
            return true;
        }
        return false;
    }

    private AllocationException fault(Layout layout) {
        return new AllocationException(AllocationException.Reason.OUT_OF_NATIVE_MEMORY, layout,
                this + " cannot allocate " + layout + ": fault injected (" + injected.sum() + " so far)");
    }

    private MemorySegment counted(MemorySegment segment, Layout layout) {
        if (segment != null) {
            allocations.increment();
            liveBytes.add(layout.size());
        }
        return segment;
    }

    @Override
    public MemorySegment allocate(Layout layout) {
        if (inject(layout)) {
            throw fault(layout);
        }
        return counted(backing.allocate(layout), layout);
    }

    @Override
    public MemorySegment tryAllocate(Layout layout) {
        if (inject(layout)) {
            if (mode == Mode.THROW) {
                throw fault(layout);
            }
            return null;
        }
        return counted(backing.tryAllocate(layout), layout);
    }

    @Override
    public MemorySegment allocateZeroed(Layout layout) {
        if (inject(layout)) {
            throw fault(layout);
        }
        return counted(backing.allocateZeroed(layout), layout);
    }

    @Override
    public void deallocate(MemorySegment segment, Layout layout) {
        Objects.requireNonNull(layout, "layout");
        requireOpen();
        backing.deallocate(segment, layout);
        deallocations.increment();
        liveBytes.add(-layout.size());
    }

    /** The stats of the allocator beneath, with the failures injected here added. */
    @Override
    public AllocatorStats stats() {
        AllocatorStats below = backing.stats();
        return new AllocatorStats(below.allocations(), below.deallocations(), below.failures() + injected.sum(),
                below.bytesInUse(), below.bytesReserved());
    }

    @Override
    protected void onClose() {
        liveBytesAtClose = liveBytes.sum();
    }

    /**
     * Turns the plan on or off; calls are numbered either way.
     *
     * @param on whether the plan applies to the calls that follow
     */
    public void arm(boolean on) {
        armed = on;
    }

    /** @return the name it was registered under */
    public String id() {
        return id;
    }

    /** @return the allocation calls made so far, failed or not */
    public long calls() {
        return (long) CALLS.getVolatile(this);
    }

    /** @return the failures injected so far */
    public long injected() {
        return injected.sum();
    }

    /** @return successful allocations through this stage */
    public long allocations() {
        return allocations.sum();
    }

    /** @return deallocations through this stage */
    public long deallocations() {
        return deallocations.sum();
    }

    /** @return bytes handed out through this stage and not given back */
    public long liveBytes() {
        return liveBytes.sum();
    }

    /** @return {@link #liveBytes()} when this stage was closed (what the stages above never gave back), -1 before */
    public long liveBytesAtClose() {
        return liveBytesAtClose;
    }

    /** @return whether {@link #close()} has run */
    public boolean closed() {
        return isClosed();
    }

    /** @return whether the allocator beneath is a {@link SystemAllocator}: this stage is at the bottom of its spec */
    public boolean overSystem() {
        return backing instanceof SystemAllocator;
    }

    /** @return the stats of the allocator beneath, also after close (its {@code bytesInUse}: bytes it lost) */
    public AllocatorStats backingStats() {
        return backing.stats();
    }
}
