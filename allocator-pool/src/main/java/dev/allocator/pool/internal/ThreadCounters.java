package dev.allocator.pool.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;

/**
 * Allocation counters kept per thread, so that counting costs the hot path no shared write: each thread adds to a
 * cell only it writes, and {@link #sum()} adds the cells up. Thread-safe.
 *
 * {@snippet :
 * ThreadCounters counters = new ThreadCounters();
 * counters.cell().allocated(1, 64);      // in the allocating thread
 * counters.cell().deallocated(1, 64);    // in whichever thread frees
 * long[] totals = counters.sum();        // {allocations, deallocations, bytesInUse}
 * }
 *
 * <p>Each thread that uses the pool gets one small cell, once (a {@link ThreadLocal} entry and the cell): a program
 * that starts a new thread per task (virtual threads, say) therefore allocates a cell per task. Cells of threads that
 * have ended are folded into a total when the next cell is made, so their number stays near the number of live
 * threads.
 */
public final class ThreadCounters {

    /*
     * Maintainers' notes.
     *
     * A cell is written only by its owner thread (single writer), with getOpaque/setOpaque: no lock prefix, no fence,
     * no torn longs; readers in other threads see each value eventually and each cell's values never go backwards.
     * sum() is therefore not an atomic snapshot (see AllocatorStats), but it is exact once the threads are quiet.
     *
     * Folding: a cell whose owner has ended (isAlive() false, which happens-after every write of the owner) is added to
     * `retired` and dropped from `cells`. make() and sum() both hold the monitor, so sum() never counts a cell twice.
     */

    /** Index of the allocation count in {@link #sum()}. */
    public static final int ALLOCATIONS = 0;
    /** Index of the deallocation count in {@link #sum()}. */
    public static final int DEALLOCATIONS = 1;
    /** Index of the bytes in use in {@link #sum()}. */
    public static final int BYTES_IN_USE = 2;

    private final ThreadLocal<Cell> local = ThreadLocal.withInitial(this::make);
    private final List<Cell> cells = new ArrayList<>();
    private final long[] retired = new long[3];

    /** Creates counters at zero. */
    public ThreadCounters() {
    }

    /**
     * The calling thread's cell; made on the thread's first call.
     *
     * @return the cell, to be written by the calling thread only
     */
    public Cell cell() {
        return local.get();
    }

    private synchronized Cell make() {
        cells.removeIf(cell -> {
            Thread owner = cell.owner.get();
            if (owner != null && owner.isAlive()) {
                return false;
            }
            retired[ALLOCATIONS] += cell.allocations();
            retired[DEALLOCATIONS] += cell.deallocations();
            retired[BYTES_IN_USE] += cell.bytesInUse();
            return true;
        });
        Cell cell = new Cell(Thread.currentThread());
        cells.add(cell);
        return cell;
    }

    /**
     * The totals over all threads.
     *
     * @return {@code {allocations, deallocations, bytesInUse}}, indexed by {@link #ALLOCATIONS} and the others
     */
    public synchronized long[] sum() {
        long[] total = retired.clone();
        for (Cell cell : cells) {
            total[ALLOCATIONS] += cell.allocations();
            total[DEALLOCATIONS] += cell.deallocations();
            total[BYTES_IN_USE] += cell.bytesInUse();
        }
        return total;
    }

    /** Padding before a cell's counters. */
    abstract static class CellPad0 {
        long p00, p01, p02, p03, p04, p05, p06, p07, p08, p09, p10, p11, p12, p13, p14, p15;
    }

    /** A cell's counters. */
    abstract static class CellFields extends CellPad0 {
        long allocations;
        long deallocations;
        long bytesInUse;
    }

    /** Padding after a cell's counters. */
    abstract static class CellPad1 extends CellFields {
        long p20, p21, p22, p23, p24, p25, p26, p27, p28, p29, p30, p31, p32, p33, p34, p35;
    }

    /**
     * One thread's counters. Only the owner thread may call the writing methods; any thread may read them through
     * {@link ThreadCounters#sum()}.
     *
     * {@snippet :
     * ThreadCounters.Cell mine = counters.cell();   // look up once per call, not per block
     * mine.allocated(taken, taken * blockSize);
     * }
     */
    public static final class Cell extends CellPad1 {
        private static final VarHandle ALLOCATIONS_VH;
        private static final VarHandle DEALLOCATIONS_VH;
        private static final VarHandle BYTES_VH;

        static {
            try {
                MethodHandles.Lookup lookup = MethodHandles.lookup();
                ALLOCATIONS_VH = lookup.findVarHandle(CellFields.class, "allocations", long.class);
                DEALLOCATIONS_VH = lookup.findVarHandle(CellFields.class, "deallocations", long.class);
                BYTES_VH = lookup.findVarHandle(CellFields.class, "bytesInUse", long.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final WeakReference<Thread> owner;

        Cell(Thread owner) {
            this.owner = new WeakReference<>(owner);
        }

        /**
         * Counts allocations made by the owner thread.
         *
         * @param count how many blocks
         * @param bytes how many bytes they were asked for with
         */
        public void allocated(long count, long bytes) {
            ALLOCATIONS_VH.setOpaque(this, (long) ALLOCATIONS_VH.getOpaque(this) + count);
            BYTES_VH.setOpaque(this, (long) BYTES_VH.getOpaque(this) + bytes);
        }

        /**
         * Counts deallocations made by the owner thread.
         *
         * @param count how many blocks
         * @param bytes how many bytes they had been asked for with
         */
        public void deallocated(long count, long bytes) {
            DEALLOCATIONS_VH.setOpaque(this, (long) DEALLOCATIONS_VH.getOpaque(this) + count);
            BYTES_VH.setOpaque(this, (long) BYTES_VH.getOpaque(this) - bytes);
        }

        long allocations() {
            return (long) ALLOCATIONS_VH.getOpaque(this);
        }

        long deallocations() {
            return (long) DEALLOCATIONS_VH.getOpaque(this);
        }

        long bytesInUse() {
            return (long) BYTES_VH.getOpaque(this);
        }
    }
}
