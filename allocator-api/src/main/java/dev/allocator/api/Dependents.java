package dev.allocator.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The allocators built over an allocator that does not own them: what {@link Allocator#addDependent} records, for
 * implementations to close before they free memory they handed out.
 *
 * <p>An allocator keeps one {@code Dependents}; its {@code close()} (and any other call that takes memory back from
 * its callers, such as an arena's reset) first calls {@link #closeAll(Object)} and frees nothing when that throws.
 * Thread-safe; registration is rare (once per dependent), so it takes a lock.
 */
public final class Dependents {

    /*
     * Maintainers' notes. A dependent's close() usually gives its memory back to the owner and calls
     * owner.removeDependent(this), which takes the lock again: closeAll therefore closes a snapshot taken under the
     * lock, outside it. Identity, not equals, decides membership.
     */

    private final Object lock = new Object();
    private final List<AutoCloseable> registered = new ArrayList<>();

    /** An empty set of dependents. */
    public Dependents() {
    }

    /**
     * Records a dependent; adding one twice records it once.
     *
     * @param dependent closed by {@link #closeAll(Object)}
     * @throws NullPointerException when {@code dependent} is null
     */
    public void add(AutoCloseable dependent) {
        Objects.requireNonNull(dependent, "dependent");
        synchronized (lock) {
            if (indexOf(dependent) < 0) {
                registered.add(dependent);
            }
        }
    }

    /**
     * Forgets a dependent; does nothing when it is not recorded.
     *
     * @param dependent the dependent to forget
     */
    public void remove(AutoCloseable dependent) {
        synchronized (lock) {
            int at = indexOf(dependent);
            if (at >= 0) {
                registered.remove(at);
            }
        }
    }

    /**
     * How many dependents are recorded.
     *
     * @return the count
     */
    public int size() {
        synchronized (lock) {
            return registered.size();
        }
    }

    /**
     * Closes the recorded dependents, newest first, and forgets each that closed; stops at the first that does not.
     *
     * @param owner the allocator that is about to free memory, named in the error
     * @throws IllegalStateException when a dependent's {@code close()} threw (the cause): it and the older ones stay
     *                               recorded and open, and the owner must free nothing
     */
    public void closeAll(Object owner) {
        final AutoCloseable[] snapshot;
        synchronized (lock) {
            snapshot = registered.toArray(AutoCloseable[]::new);
        }
        for (int i = snapshot.length - 1; i >= 0; i--) {
            try {
                snapshot[i].close();
            } catch (Exception e) {
                throw new IllegalStateException("every allocator built over " + owner
                        + " must close before it frees memory: dependent=" + snapshot[i] + " did not close", e);
            }
            remove(snapshot[i]);
        }
    }

    private int indexOf(AutoCloseable dependent) {
        for (int i = 0; i < registered.size(); i++) {
            if (registered.get(i) == dependent) {
                return i;
            }
        }
        return -1;
    }
}
