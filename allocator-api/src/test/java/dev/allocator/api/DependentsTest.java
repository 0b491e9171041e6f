package dev.allocator.api;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DependentsTest {

    @Test
    void shouldCloseNewestFirstAndForgetThem() {
        Dependents dependents = new Dependents();
        List<String> closed = new ArrayList<>();
        dependents.add(() -> closed.add("first"));
        dependents.add(() -> closed.add("second"));
        dependents.closeAll("owner");
        assertEquals(List.of("second", "first"), closed);
        assertEquals(0, dependents.size());
    }

    @Test
    void shouldRecordOneDependentOnceAndForgetItOnRemove() {
        Dependents dependents = new Dependents();
        AutoCloseable dependent = () -> { };
        dependents.add(dependent);
        dependents.add(dependent);
        assertEquals(1, dependents.size());
        dependents.remove(dependent);
        dependents.remove(dependent);
        assertEquals(0, dependents.size());
    }

    @Test
    void shouldLetADependentRemoveItselfWhileClosing() {
        Dependents dependents = new Dependents();
        AutoCloseable[] self = new AutoCloseable[1];
        self[0] = () -> dependents.remove(self[0]);
        dependents.add(self[0]);
        dependents.closeAll("owner");
        assertEquals(0, dependents.size());
    }

    @Test
    void shouldStopAtTheFirstDependentThatDoesNotCloseAndKeepTheRest() {
        Dependents dependents = new Dependents();
        List<String> closed = new ArrayList<>();
        WrongThreadException refusal = new WrongThreadException("owned by another thread");
        AutoCloseable stubborn = new AutoCloseable() {
            @Override
            public void close() {
                throw refusal;
            }

            @Override
            public String toString() {
                return "stubborn";
            }
        };
        dependents.add(() -> closed.add("polite"));
        dependents.add(stubborn);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> dependents.closeAll("system"));
        assertTrue(e.getMessage().contains("every allocator built over system must close before it frees memory"),
                e.getMessage());
        assertTrue(e.getMessage().contains("dependent=stubborn"), e.getMessage());
        assertSame(refusal, e.getCause());
        assertEquals(List.of(), closed, "an older dependent is not closed after a newer one refused");
        assertEquals(2, dependents.size());
    }

    @Test
    void shouldRejectNull() {
        assertThrows(NullPointerException.class, () -> new Dependents().add(null));
    }

    @Test
    void shouldNotRecordByDefault() {
        Allocator plain = new dev.allocator.api.fake.RecordingAllocator("plain", null);
        assertFalse(plain.addDependent(() -> { }));
    }
}
