package dev.allocator.secure;

import dev.allocator.api.Checks;

/**
 * Where things are in one {@code secure} allocation. Each allocation is a mapping of its own:
 *
 * <pre>
 *  base            dataStart                                                 dataEnd
 *  |               |                                                         |
 *  v               v                                                         v
 *  +---------------+-----------------+--------+------------------+-------+---------------+
 *  | guard page    | zero            | canary | user bytes       | slack | guard page    |
 *  | PROT_NONE     | (unused)        | 16 B   | size B           | < a   | PROT_NONE     |
 *  +---------------+-----------------+--------+------------------+-------+---------------+
 *                  |<------ data pages: mlock'ed, MADV_DONTDUMP, toggled by mprotect --->|
 *                                             ^ address = alignDown(dataEnd - size, a)
 * </pre>
 *
 * The user's bytes end flush against the trailing guard page when {@code size} is a multiple of the alignment
 * {@code a} (always for {@code a = 1}); otherwise the address is rounded down to {@code a} and the
 * {@code (dataEnd - size) % a} bytes of slack after the user's bytes hold canary bytes too, checked on free like the
 * canary before them. Data pages: {@code alignUp(size + a - 1 + 16, page)}.
 */
final class SecureBlockDescriptor {

    /** Bytes of canary before the user's bytes. */
    static final long CANARY = 16;

    private SecureBlockDescriptor() {
    }

    /** Bytes of data pages for {@code size} bytes at {@code alignment} (at most a page). */
    static long dataLength(long size, long alignment, long pageSize) {
        return Checks.alignUp(size + alignment - 1 + CANARY, pageSize);
    }

    /** The whole mapping: the data pages and a guard page on each side. */
    static long mappingLength(long dataLength, long pageSize) {
        return dataLength + 2 * pageSize;
    }

    /** The first data byte. */
    static long dataStart(long base, long pageSize) {
        return base + pageSize;
    }

    /** The user's first byte. */
    static long address(long dataStart, long dataLength, long size, long alignment) {
        return (dataStart + dataLength - size) & -alignment;
    }
}
