package org.apache.arrow.memory;

/**
 * Reads, from Arrow's own package, whether Arrow still counts a buffer's memory as held: its owning ledger is set
 * until Arrow releases the last reference (and calls {@code release0()}, which gives the memory back to us).
 */
public final class HostSuiteLedgers {

    private HostSuiteLedgers() {
    }

    /**
     * Whether Arrow has not yet released {@code manager}'s memory.
     *
     * @param manager an allocation manager
     * @return {@code true} while some Arrow buffer still holds a reference to it
     */
    public static boolean heldByArrow(AllocationManager manager) {
        BufferLedger ledger = manager.getOwningLedger();
        return ledger != null && ledger.getRefCount() > 0;
    }
}
