package dev.allocator.tests.support;

import org.junit.jupiter.api.function.Executable;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Asserts that a call fails with the right exception type and a message naming the bad value. */
public final class Rejections {

    private Rejections() {
    }

    /**
     * Runs {@code call}, expecting {@code type}, whose message must contain every one of {@code named}.
     *
     * @return the exception, for further checks
     */
    public static <T extends Throwable> T rejects(Class<T> type, Executable call, String... named) {
        T thrown = assertThrows(type, call);
        String message = thrown.getMessage();
        for (String part : named) {
            assertTrue(message != null && message.contains(part),
                    () -> "message should name '" + part + "' but was: " + message);
        }
        return thrown;
    }
}
