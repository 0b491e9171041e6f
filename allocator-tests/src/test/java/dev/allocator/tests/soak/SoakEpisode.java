package dev.allocator.tests.soak;

import dev.allocator.api.Allocator;
import dev.allocator.api.Layout;
import dev.allocator.compose.sizeclasses.SizeClassAllocator;
import dev.allocator.pool.FixedBlockPool;
import dev.allocator.tests.contract.Subject;
import dev.allocator.tests.fault.FaultSubject;
import dev.allocator.tests.fault.FaultyAllocator;
import dev.allocator.tests.support.Patterns;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * One spec, opened with faulty stages, worked by platform and virtual threads for a while, trimmed, then closed: in
 * a racing episode while the threads still use it, in an orderly one after they freed everything. Afterwards every
 * faulty stage must be closed and the system allocator at the bottom must hold no bytes (else they are counted as
 * lost); after an orderly episode every allocator beneath a faulty stage must hold none, and every stage above one
 * must have given back everything it took. (After a racing close a stage in the middle may still count blocks whose
 * free lost the race: the stage beneath took their memory back when it closed.)
 *
 * <p>A thread-safe spec is opened by the thread that runs the episode, which then only trims and closes it; a confined
 * one is worked by that thread alone (with resets when it is an arena) while the other threads check that they are
 * turned away.
 */
final class SoakEpisode {

    /*
     * Maintainers' notes. `closing` is set before close() is called and `stopping` after it returns (orderly: before
     * the workers are joined, then close). So an IllegalStateException seen while `closing` is false is an error,
     * and one seen while it is true ends that worker. `closed` is counted down when close() returns; a worker checks
     * that a held block is unreadable only after that, and only by reading: after a close the memory beneath may
     * be unmapped, and a write through a stale segment could crash the JVM if a stage did not invalidate it.
     * Every thread holds its own blocks; a handed-off block is in exactly one place at a time (a worker's list or
     * the queue), so a wrong byte can only come from the allocators.
     */

    /** How long a thread may take to stop after the close: longer is a hang. */
    private static final long JOIN_MILLIS = 60_000;

    private final FaultSubject subject;
    private final long seed;
    private final SoakTally tally;
    private final boolean orderly;
    private final Random random;
    private final LongAdder operations = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final ConcurrentLinkedQueue<SoakWorker.Block> handedOff = new ConcurrentLinkedQueue<>();
    private final CountDownLatch closed = new CountDownLatch(1);
    private FaultSubject.Opened opened;
    private volatile boolean closing;
    private volatile boolean stopping;
    private volatile boolean closedCleanly;
    private boolean hung;

    SoakEpisode(FaultSubject subject, long seed, SoakTally tally, boolean orderly) {
        this.subject = subject;
        this.seed = seed;
        this.tally = tally;
        this.orderly = orderly;
        this.random = new Random(seed);
    }

    Allocator allocator() {
        return opened.top();
    }

    Subject caps() {
        return subject.caps();
    }

    SoakTally tally() {
        return tally;
    }

    boolean orderly() {
        return orderly;
    }

    boolean closing() {
        return closing;
    }

    boolean stopping() {
        return stopping;
    }

    /** Whether a thread did not stop within a minute of the close. */
    boolean hung() {
        return hung;
    }

    void addOperations(long n) {
        operations.add(n);
    }

    void handOff(SoakWorker.Block block) {
        handedOff.add(block);
    }

    SoakWorker.Block takeHandedOff() {
        return handedOff.poll();
    }

    /** Waits for the close to return; whether it closed without throwing. */
    boolean awaitClosed() {
        try {
            return closed.await(JOIN_MILLIS, TimeUnit.MILLISECONDS) && closedCleanly;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    void error(String what, Throwable cause) {
        errors.increment();
        StringBuilder text = new StringBuilder(opened == null ? subject.template() : opened.spec())
                .append(" (episode seed ").append(seed).append(orderly ? ", orderly" : ", racing close")
                .append("): ").append(what);
        if (cause != null) {
            text.append(": ").append(cause);
            StackTraceElement[] trace = cause.getStackTrace();
            Arrays.stream(trace).limit(4).forEach(frame -> text.append("\n    at ").append(frame));
        }
        tally.error(text.toString());
    }

    /**
     * Runs the episode.
     *
     * @param millis      how long the threads work before the close
     * @param platform    platform threads
     * @param virtual     virtual threads
     * @param probability the faulty stages' failure probability
     */
    void run(long millis, int platform, int virtual, double probability) {
        String mode = (seed & 1) == 0 ? "null" : "throw";
        opened = subject.open("soak-" + seed, String.format(Locale.ROOT,
                "armed=false, probability=%s, seed=%d, mode=%s", probability, seed, mode));
        if (opened.failure() != null) {
            error("opening with faults disarmed failed", opened.failure());
            return;
        }
        opened.arm(true);
        List<Thread> threads = new ArrayList<>();
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        if (caps().threadSafe()) {
            for (int i = 0; i < platform + virtual; i++) {
                SoakWorker worker = new SoakWorker(this, i, seed);
                threads.add(i < platform ? Thread.ofPlatform().name("soak-platform-" + i).start(worker)
                        : Thread.ofVirtual().name("soak-virtual-" + i).start(worker));
            }
            trimUntil(end);
            if (orderly) {
                stopping = true;
                join(threads);
                for (SoakWorker.Block block; (block = handedOff.poll()) != null; ) {
                    try {
                        Patterns.verify(block.segment(), block.tag(), "handed-off block at the orderly end");
                        allocator().deallocate(block.segment(), block.layout());
                    } catch (AssertionError | RuntimeException e) {
                        error("orderly free of a handed-off block failed", e);
                    }
                }
            }
        } else {
            for (int i = 0; i < platform + virtual; i++) {
                Runnable probe = this::probeFromWrongThread;
                threads.add(i < platform ? Thread.ofPlatform().name("soak-probe-" + i).start(probe)
                        : Thread.ofVirtual().name("soak-probe-" + i).start(probe));
            }
            new SoakWorker(this, 0, seed).runAsOwner(end);
        }
        tally.add(SoakTally.Count.PLATFORM_THREADS, platform);
        tally.add(SoakTally.Count.VIRTUAL_THREADS, virtual);
        close();
        stopping = true;
        join(threads);
        finish();
    }

    /** The opening thread's part while the workers run: trims now and then. */
    private void trimUntil(long end) {
        while (System.nanoTime() < end) {
            sleep(5 + random.nextInt(40));
            try {
                if (random.nextInt(3) == 0 && allocator() instanceof FixedBlockPool pool) {
                    pool.trim();
                    tally.add(SoakTally.Count.TRIMS, 1);
                } else if (random.nextInt(3) == 0 && allocator() instanceof SizeClassAllocator sizeClasses) {
                    sizeClasses.trim();
                    tally.add(SoakTally.Count.TRIMS, 1);
                }
            } catch (RuntimeException e) {
                error("trim failed while open", e);
            }
        }
    }

    /** A thread other than the owner of a confined spec: every call is turned away. */
    private void probeFromWrongThread() {
        long rejected = 0;
        while (!stopping) {
            try {
                allocator().allocate(Layout.of(64, 8));
                error("a confined allocator served a thread other than its owner", null);
            } catch (WrongThreadException expected) {
                rejected++;
            } catch (IllegalStateException e) {
                if (!closing) {
                    error("IllegalStateException from a wrong thread while open", e);
                }
            } catch (RuntimeException e) {
                error("a wrong thread got neither WrongThreadException nor IllegalStateException", e);
            }
            sleep(1);
        }
        tally.add(SoakTally.Count.WRONG_THREAD, rejected);
    }

    private void close() {
        closing = true;
        try {
            allocator().close();
            closedCleanly = true;
        } catch (RuntimeException e) {
            error("close threw", e);
        } finally {
            closed.countDown();
        }
    }

    private void join(List<Thread> threads) {
        for (Thread thread : threads) {
            try {
                if (!thread.join(java.time.Duration.ofMillis(JOIN_MILLIS))) {
                    hung = true;
                    StringBuilder stack = new StringBuilder();
                    for (StackTraceElement frame : thread.getStackTrace()) {
                        stack.append("\n    at ").append(frame);
                    }
                    error(thread + " did not stop within " + JOIN_MILLIS + " ms" + stack, null);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** After the close: nothing lost, every faulty stage closed, the counts of this episode. */
    private void finish() {
        for (FaultyAllocator stage : opened.created()) {
            if (!stage.closed()) {
                error(stage.id() + " is still open after the spec closed", null);
            }
            long inUse = stage.backingStats().bytesInUse();
            if (stage.overSystem() && inUse != 0) {
                tally.add(inUse > 0 ? SoakTally.Count.BYTES_LOST : SoakTally.Count.BYTES_MISCOUNTED, Math.abs(inUse));
                error("system beneath " + stage.id() + ": bytesInUse " + inUse + " after close ("
                        + (inUse > 0 ? "bytes lost" : "miscounted") + "): " + stage.backingStats(), null);
            } else if (orderly && inUse != 0) {
                error("beneath " + stage.id() + ": bytesInUse " + inUse + " after an orderly close: "
                        + stage.backingStats(), null);
            }
            if (orderly && closedCleanly && stage.liveBytesAtClose() != 0) {
                error(stage.id() + " had " + stage.liveBytesAtClose() + " bytes out when it closed, although every"
                        + " block was freed first", null);
            }
        }
        long inUse = allocator().stats().bytesInUse();
        if (inUse < 0) {
            error("bytesInUse " + inUse + " after close: " + allocator().stats(), null);
        }
        long injected = opened.injected();
        tally.add(SoakTally.Count.FAULTS_INJECTED, injected);
        tally.add(SoakTally.Count.EPISODES, 1);
        tally.addForSpec(subject.template(), operations.sum(), injected, errors.sum());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
