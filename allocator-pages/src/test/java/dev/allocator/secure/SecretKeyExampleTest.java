package dev.allocator.secure;

import dev.allocator.api.Allocators;
import dev.allocator.api.Layout;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.security.SecureRandom;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The worked example of docs/secure.md, compiled and run by the build: hold a 256-bit key in secure memory, keep it
 * unreadable between uses, read it when needed, free it (wiped). Keep the two in step.
 */
class SecretKeyExampleTest {

    /** Stands in for a cipher: what a real one would do with the key bytes. */
    static String fingerprint(MemorySegment key) {
        return HexFormat.of().formatHex(key.asSlice(0, 4).toArray(ValueLayout.JAVA_BYTE));
    }

    @Test
    void shouldHoldAKeyAsTheGuideShows() {
        // --- docs/secure.md: example ---
        Layout keyLayout = Layout.of(32);
        try (SecureAllocator secrets = (SecureAllocator) Allocators.open("secure")) {
            MemorySegment key = secrets.allocate(keyLayout);      // guarded, locked, not dumped, zero
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            MemorySegment.copy(random, 0, key, ValueLayout.JAVA_BYTE, 0, 32);
            java.util.Arrays.fill(random, (byte) 0);               // the heap copy goes at once

            secrets.noAccess(key);                                 // unreadable between uses

            secrets.readOnly(key);                                 // a use: read it, never write it
            String used = fingerprint(key);
            secrets.noAccess(key);

            secrets.deallocate(key, keyLayout);                    // canary checked, wiped, unlocked, unmapped
            // key.get(ValueLayout.JAVA_BYTE, 0) now throws IllegalStateException
            // --- end of example ---
            assertEquals(8, used.length());
            assertThrows(IllegalStateException.class, () -> key.get(ValueLayout.JAVA_BYTE, 0));
            assertEquals(0, secrets.secureStats().lockedBytes());
        }
    }
}
