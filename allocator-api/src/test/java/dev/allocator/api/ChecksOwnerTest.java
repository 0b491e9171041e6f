package dev.allocator.api;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChecksOwnerTest {

    @Test
    void shouldRejectAnotherThreadNamingBoth() throws Exception {
        Thread owner = Thread.currentThread();
        assertDoesNotThrow(() -> Checks.requireOwner(owner, "arena"));
        Throwable thrown = CompletableFuture.supplyAsync(() -> {
            try {
                Checks.requireOwner(owner, "arena");
                return null;
            } catch (RuntimeException e) {
                return e;
            }
        }).get();
        WrongThreadException e = assertInstanceOf(WrongThreadException.class, thrown);
        assertTrue(e.getMessage().contains("'" + owner.getName() + "'"), e.getMessage());
        assertTrue(e.getMessage().startsWith("arena is confined"), e.getMessage());
    }

    @Test
    void shouldKeepTheCauseOfAnAllocationFailure() {
        IllegalStateException cause = new IllegalStateException("beneath");
        AllocationException e = new AllocationException(AllocationException.Reason.EXHAUSTED, Layout.of(8), "m", cause);
        assertTrue(e.getCause() == cause);
        AllocationException late = new AllocationException(AllocationException.Reason.EXHAUSTED, Layout.of(8), "m");
        late.initCause(cause);   // without a cause at construction, one can still be set
        assertTrue(late.getCause() == cause);
    }
}
