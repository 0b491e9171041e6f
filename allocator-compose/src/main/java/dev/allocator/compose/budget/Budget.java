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
 * <p>Thread-safe and lock-free: each budget's use is one {@link AtomicLong} updated with compare-and-set, so the
 * limit is never exceeded, even for a moment.
 */
public final class Budget {

    /*
     * reserve(bytes) charges this budget with a CAS loop that never lets `used` pass `limit` (the linearization
     * point is the successful CAS), then charges the parent; when the parent refuses, this budget's charge is undone.
     * So a moment may exist where this budget holds bytes its parent refused, which only makes other requests under
     * this budget fail sooner, never pass a limit.
     */

    private final String name;
    private final long limit;
    private final Budget parent;
    private final AtomicLong used = new AtomicLong();

    private Budget(String name, long limit, Budget parent) {
        this.name = Objects.requireNonNull(name, "name");
        this.limit = Checks.requireNonNegative(limit, "limit");
        this.parent = parent;
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
        final AtomicLong used = this.used;
        long current;
        do {
            current = used.get();
            if (bytes > limit - current) {
                return this;
            }
        } while (!used.compareAndSet(current, current + bytes));
        if (parent != null) {
            Budget refused = parent.tryReserve(bytes);
            if (refused != null) {
                used.addAndGet(-bytes);
                return refused;
            }
        }
        return null;
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
