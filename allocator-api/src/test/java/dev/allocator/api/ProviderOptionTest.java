package dev.allocator.api;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProviderOptionTest {

    @Test
    void shouldTellRequiredFromOptional() {
        ProviderOption required = ProviderOption.required("blockSize", "size of a block");
        ProviderOption optional = ProviderOption.optional("chunkSize", "1MiB", "size of a chunk");
        assertTrue(required.required());
        assertFalse(optional.required());
        assertEquals("blockSize (required)", required.toString());
        assertEquals("chunkSize (default 1MiB)", optional.toString());
    }

    @Test
    void shouldRejectNulls() {
        assertThrows(NullPointerException.class, () -> ProviderOption.required(null, "x"));
        assertThrows(NullPointerException.class, () -> ProviderOption.required("x", null));
        assertThrows(NullPointerException.class, () -> ProviderOption.optional("x", null, "y"));
    }
}
