package dev.allocator.compose.budget;

import dev.allocator.api.Checks;

import java.util.Objects;
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
 * the bytes charged by requests that succeed: a charge that is refused higher up never shows on a budget below.
 * A top-level budget is charged with one compare-and-set; a charge to a child takes one lock per tree (see the notes).
 * Bytes count from the charge until {@link #release}, so while an allocator asks its backing allocator for the memory
 * (and before it gives the charge back when that fails) the bytes count as used.
 */
public final class Budget {

    /*
     * Maintainers' notes.
     *
     * A top-level budget alone: one CAS loop that never lets `used` pass `limit`; the successful CAS is the
     * linearization point, a refusal linearizes at the read that saw no room.
     * A child: under the root's lock, every budget below the root is checked (read), then the root is charged with
     * that same CAS loop, then every budget below the root gets the bytes. Invariants: only holders of the root's
     * lock add to a budget below the root, and release only subtracts, so a check under the lock still holds when
     * the bytes are added; the root's CAS is the only step that can fail after the checks, and it comes before any
     * charge. So no budget ever holds bytes of a request that is then refused, and a sibling never sees such a
     * passing charge on a shared parent (which would refuse it although its request fits). The linearization point
     * of a child's charge is the root's CAS.
     */

    private final String name;
    private final long limit;
    private final Budget parent;
    private final Budget root;
    /** Taken for every charge to a child of this (top-level) budget; unused below the root. */
    private final Object treeLock = new Object();
    private final AtomicLong used = new AtomicLong();

    private Budget(String name, long limit, Budget parent) {
        this.name = Objects.requireNonNull(name, "name");
        this.limit = Checks.requireNonNegative(limit, "limit");
        this.parent = parent;
        this.root = parent == null ? this : parent.root;
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
        return new Budget(name, limit, null);
    }

    /**
     * A budget inside this one: bytes charged to the child are charged to this budget too.
     *
     * @param childName the child's name
     * @param childLimit the child's limit in bytes, {@code >= 0}
     * @return the child
     * @throws IllegalArgumentException when {@code childLimit < 0}
     */
    public Budget child(String childName, long childLimit) {
        return new Budget(childName, childLimit, this);
    }

    /**
     * Charges {@code bytes} to this budget and its ancestors, or to none of them.
     *
     * @param bytes the bytes to charge, {@code >= 0}
     * @return {@code null} when charged; otherwise the budget (this or an ancestor) that refused
     */
    public Budget tryReserve(long bytes) {
        if (parent == null) {
            return charge(bytes) ? null : this;
        }
        synchronized (root.treeLock) {
            for (Budget budget = this; budget != root; budget = budget.parent) {
                if (bytes > budget.limit - budget.used.get()) {
                    return budget;
                }
            }
            if (!root.charge(bytes)) {
                return root;
            }
            for (Budget budget = this; budget != root; budget = budget.parent) {
                budget.used.addAndGet(bytes);
            }
            return null;
        }
    }

    /** Charges this budget alone when the bytes fit; the CAS that never lets {@code used} pass {@code limit}. */
    private boolean charge(long bytes) {
        final AtomicLong used = this.used;
        long current;
        do {
            current = used.get();
            if (bytes > limit - current) {
                return false;
            }
        } while (!used.compareAndSet(current, current + bytes));
        return true;
    }

    /**
     * Gives back bytes charged by {@link #tryReserve(long)}, to this budget and its ancestors.
     *
     * @param bytes the bytes
     */
    public void release(long bytes) {
        for (Budget budget = this; budget != null; budget = budget.parent) {
            budget.used.addAndGet(-bytes);
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
     * Bytes charged now.
     *
     * @return bytes in use under this budget
     */
    public long used() {
        return used.get();
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
