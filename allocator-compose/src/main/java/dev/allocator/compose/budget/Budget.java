package dev.allocator.compose.budget;

import dev.allocator.api.Checks;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A byte limit that allocators charge against; budgets nest, like Apache Arrow's child allocators: a child's bytes
 * count against its parent too, so a component's budget can sit inside the process's.
 *
 * {@snippet :
 * Budget process = Budget.of("process", 1L << 30);
 * Budget cache = process.child("cache", 256L << 20);
 * try (Allocator allocator = new BudgetAllocator(Allocators.open("system"), cache, true)) {
 *     allocator.allocate(Layout.of(4096));     // counts against cache and process
 * }
 * }
 *
 * <p>Thread-safe. A limit is never exceeded, even for a moment, and a request is refused only when it does not fit
 * the bytes charged by requests that succeed: a charge that is refused higher up never shows on a budget below, and
 * bytes a thread holds in reserve (see below) are taken back before anything is refused. Bytes count from the
 * charge until {@link #release}, so while an allocator asks its backing allocator for the memory (and before it
 * gives the charge back when that fails) the bytes count as used.
 *
 * <p>Scaling: each thread stripe of a budget keeps a small reserve (credit) of bytes already counted against the
 * limit, taken in batches; a charge or release that fits it writes only that stripe, so threads do not contend on
 * one counter. Refills, requests larger than a batch and refusals take one lock per tree. The batch is
 * {@code limit / 256} (at most 1 MiB, never more than the parent's), or what {@link #of(String, long, long)} sets.
 * Happens-before: a {@link #release} happens-before the {@link #tryReserve} that reuses its bytes.
 */
public final class Budget {

    /*
     * Maintainers' notes.
     *
     * reserved (per budget) = bytes charged to this budget and its descendants + credit held by the stripes of this
     * budget and its descendants. reserved only grows under the root's treeLock (check every level from this budget
     * to the root, then add to every level), and shrinks anywhere (release, credit given back, reclaim), so a check
     * under the lock still holds when the bytes are added: reserved <= limit at every instant on every level, and
     * charged <= reserved. A refused request added nothing anywhere.
     *
     * tryReserve: (1) take the bytes from the caller's credit stripe (a CAS on that stripe: the linearization point);
     * else under the lock (2) charge bytes + batch on every level and put the batch in the stripe (bytes <= batch), or
     * (3) charge the bytes alone on every level, or (4) reclaim: close every credit stripe of the tree (Credit:
     * a closed stripe gains no credit), subtract what they held from their budgets and ancestors, try (3) again, and
     * reopen them. After step 4 closed the stripes, reserved == charged on every level (credit enters a stripe only
     * by a refill, under the lock we hold, or by a release's CAS on an open stripe), so a refusal there is exact: it
     * linearizes at the read of the refusing level's reserved, when charged + bytes > limit really held.
     * release: add the bytes to the caller's stripe (a CAS: the linearization point); when the stripe then holds more
     * than 2 * batch, trim it to batch and subtract the rest from reserved on every level under the lock, so that
     * no bytes are in flight between a stripe and reserved while a refusal runs; when the stripe is closed (a refusal
     * is running), subtract the bytes from reserved on every level instead (no lock: the subtraction is then the
     * linearization point). A budget with batch 0 has no credit: every charge takes the lock, every release
     * subtracts.
     * used() = reserved - credit of the subtree, folded without the lock: exact when no call is running, racy (but
     * clamped to [0, limit]) while they are.
     */

    private static final long MAX_BATCH = 1L << 20;
    private static final long BATCH_DIVISOR = 256;
    /** Keeps {@code bytes + batch} and {@code 2 * batch} far from overflow. */
    private static final long MAX_EXPLICIT_BATCH = 1L << 40;

    private final String name;
    private final long limit;
    private final Budget parent;
    private final Budget root;
    /** Taken for every refill, exact charge and reclaim in the tree; only the root's is used. */
    private final Object treeLock = new Object();
    private final AtomicLong reserved = new AtomicLong();
    private final long batch;
    private final Credit credit;
    private final List<Budget> children = new CopyOnWriteArrayList<>();

    private Budget(String name, long limit, Budget parent, long batch) {
        this.name = Objects.requireNonNull(name, "name");
        this.limit = Checks.requireNonNegative(limit, "limit");
        this.batch = Math.min(Math.min(Checks.requireNonNegative(batch, "batch"), MAX_EXPLICIT_BATCH),
                parent == null ? MAX_EXPLICIT_BATCH : parent.batch);
        this.parent = parent;
        this.root = parent == null ? this : parent.root;
        this.credit = new Credit(this.batch);
    }

    private static long defaultBatch(long limit) {
        return Math.min(MAX_BATCH, limit / BATCH_DIVISOR);
    }

    /**
     * A top-level budget.
     *
     * @param name  the name shown in errors
     * @param limit the limit in bytes, {@code >= 0}
     * @return the budget
     * @throws IllegalArgumentException when {@code limit < 0}
     */
    public static Budget of(String name, long limit) {
        return new Budget(name, limit, null, defaultBatch(Checks.requireNonNegative(limit, "limit")));
    }

    /**
     * A top-level budget whose thread stripes take credit {@code batch} bytes at a time: larger batches mean fewer
     * locked refills; 0 sends every charge through the lock. Exactness does not depend on it.
     *
     * @param name  the name shown in errors
     * @param limit the limit in bytes, {@code >= 0}
     * @param batch bytes per refill, {@code >= 0} (at most 1 TiB is used)
     * @return the budget
     * @throws IllegalArgumentException when {@code limit < 0} or {@code batch < 0}
     */
    public static Budget of(String name, long limit, long batch) {
        return new Budget(name, limit, null, batch);
    }

    /**
     * A budget inside this one: bytes charged to the child are charged to this budget too. Its batch is the default
     * for its limit, at most this budget's.
     *
     * @param childName the child's name
     * @param childLimit the child's limit in bytes, {@code >= 0}
     * @return the child
     * @throws IllegalArgumentException when {@code childLimit < 0}
     */
    public Budget child(String childName, long childLimit) {
        Budget child = new Budget(childName, childLimit, this,
                defaultBatch(Checks.requireNonNegative(childLimit, "childLimit")));
        children.add(child);
        return child;
    }

    /**
     * Charges {@code bytes} to this budget and its ancestors, or to none of them.
     *
     * @param bytes the bytes to charge, {@code >= 0}
     * @return {@code null} when charged; otherwise the budget (this or an ancestor) that refused
     */
    public Budget tryReserve(long bytes) {
        if (batch > 0 && credit.take(bytes)) {
            return null;
        }
        return reserveLocked(bytes);
    }

    private Budget reserveLocked(long bytes) {
        synchronized (root.treeLock) {
            if (bytes <= batch && batch > 0 && charge(bytes + batch) == null) {
                if (credit.give(batch) == Credit.Given.OVER_CAP) {
                    giveBack(credit.trim());
                }
                return null;
            }
            if (charge(bytes) == null) {
                return null;
            }
            root.reclaimTree();
            try {
                return charge(bytes);
            } finally {
                root.reopenTree();
            }
        }
    }

    /** Under the lock: adds {@code bytes} to every level, or, when one has no room, to none and returns it. */
    private Budget charge(long bytes) {
        for (Budget budget = this; budget != null; budget = budget.parent) {
            if (bytes > budget.limit - budget.reserved.get()) {
                return budget;
            }
        }
        for (Budget budget = this; budget != null; budget = budget.parent) {
            budget.reserved.addAndGet(bytes);
        }
        return null;
    }

    /** Subtracts {@code bytes} from this budget and every ancestor. */
    private void giveBack(long bytes) {
        if (bytes != 0) {
            for (Budget budget = this; budget != null; budget = budget.parent) {
                budget.reserved.addAndGet(-bytes);
            }
        }
    }

    /** Under the lock: closes the credit stripes of this budget and its descendants and gives their bytes back. */
    private void reclaimTree() {
        giveBack(credit.reclaimAll());
        for (Budget child : children) {
            child.reclaimTree();
        }
    }

    /** Under the lock: opens the stripes {@link #reclaimTree()} closed. */
    private void reopenTree() {
        credit.reopenAll();
        for (Budget child : children) {
            child.reopenTree();
        }
    }

    /** The credit held by the stripes of this budget and its descendants. */
    private long creditOfTree() {
        long held = credit.held();
        if (children.isEmpty()) {
            return held; // a leaf: no iterator object per read
        }
        for (Budget child : children) {
            held += child.creditOfTree();
        }
        return held;
    }

    /**
     * Gives back bytes charged by {@link #tryReserve(long)}, to this budget and its ancestors.
     *
     * @param bytes the bytes
     */
    public void release(long bytes) {
        if (batch == 0) {
            giveBack(bytes);
            return;
        }
        switch (credit.give(bytes)) {
            case KEPT -> { }
            case CLOSED -> giveBack(bytes);
            case OVER_CAP -> {
                synchronized (root.treeLock) {
                    giveBack(credit.trim());
                }
            }
        }
    }

    /**
     * The budget's name.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * The limit.
     *
     * @return bytes
     */
    public long limit() {
        return limit;
    }

    /**
     * Bytes charged now, to this budget and the budgets inside it: exact when no charge or release is running; while
     * they run, a fold of per-thread figures, within {@code [0, limit]}.
     *
     * @return bytes in use under this budget
     */
    public long used() {
        final long held = creditOfTree();
        return Math.max(0, Math.min(limit, reserved.get() - held));
    }

    /**
     * The enclosing budget.
     *
     * @return the parent, or {@code null} for a top-level budget
     */
    public Budget parent() {
        return parent;
    }

    /** Returns {@code "budget 'cache' (1024 of 4096 B)"}. */
    @Override
    public String toString() {
        return "budget '" + name + "' (" + used() + " of " + limit + " B)";
    }
}
