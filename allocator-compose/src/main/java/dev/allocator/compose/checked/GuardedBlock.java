package dev.allocator.compose.checked;

import dev.allocator.api.Layout;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Where things are in a block that checked mode asks its backing allocator for, and the byte patterns it writes
 * there. The caller's segment is the payload; the guards around it catch overruns by native code, and a freed
 * payload is filled with {@link #FREED} while it waits in quarantine.
 *
 * <pre>
 *   block from the backing: Layout.of(front + size + guard, alignment)
 *   +---------------------------------+----------------------------+-----------------+
 *   | front guard                     | payload                    | back guard      |
 *   | front = alignUp(guard, align.)  | size bytes, handed out     | guard bytes     |
 *   | bytes of GUARD                  | (FREED while quarantined)  | of GUARD        |
 *   +---------------------------------+----------------------------+-----------------+
 *   ^ block.address()                 ^ block.address() + front    ^ payload + size
 *                                       (a multiple of alignment)
 * </pre>
 *
 * <p>An unguarded block (guard 0, or a backing that cannot give the larger block) is the payload alone: front 0, no
 * back guard. Offsets in reports are relative to the payload's start: negative inside the front guard, {@code size}
 * and up inside the back guard.
 */
final class GuardedBlock {

    /** The guard byte (as MSVC's debug heap marks the bytes around a block). */
    static final byte GUARD = (byte) 0xFD;

    /** The byte a freed payload holds while it is quarantined (as MSVC's debug heap marks freed memory). */
    static final byte FREED = (byte) 0xDD;

    /** The largest guard accepted: 4 KiB, a page. */
    static final long MAX_GUARD = 4096;

    /** What {@link #damage} returns for intact bytes. */
    static final long INTACT = Long.MIN_VALUE;

    private static final MemorySegment GUARDS = pattern(GUARD);
    private static final MemorySegment FREEDS = pattern(FREED);

    private GuardedBlock() {
    }

    private static MemorySegment pattern(byte value) {
        byte[] bytes = new byte[4096];
        Arrays.fill(bytes, value);
        return MemorySegment.ofArray(bytes);
    }

    /**
     * The front guard's size: {@code guard} rounded up to the alignment, so the payload keeps the caller's alignment.
     *
     * @param guard     the guard option, {@code > 0}
     * @param alignment the caller's alignment
     * @return the payload's offset in the block
     */
    static long front(long guard, long alignment) {
        return (guard + alignment - 1) & -alignment;
    }

    /**
     * The layout to ask the backing allocator for.
     *
     * @param layout the caller's request
     * @param guard  the guard option
     * @return the guarded block's layout, or {@code null} when {@code guard} is 0 or the size would overflow
     */
    static Layout layout(Layout layout, long guard) {
        if (guard == 0 || layout.alignment() > Long.MAX_VALUE / 4) {
            return null;
        }
        long front = front(guard, layout.alignment());
        if (layout.size() > Long.MAX_VALUE - front - guard) {
            return null;
        }
        return Layout.of(front + layout.size() + guard, layout.alignment());
    }

    /** Writes both guards of a block whose payload starts at {@code front} and has {@code size} bytes. */
    static void writeGuards(MemorySegment block, long front, long size) {
        block.asSlice(0, front).fill(GUARD);
        block.asSlice(front + size).fill(GUARD);
    }

    /**
     * The first guard byte that is not {@link #GUARD}.
     *
     * @return its offset from the payload's start, or {@link #INTACT}
     */
    static long damage(MemorySegment block, long front, long size) {
        long before = mismatch(block, 0, front, GUARDS);
        if (before >= 0) {
            return before - front;
        }
        long after = mismatch(block, front + size, block.byteSize() - front - size, GUARDS);
        return after >= 0 ? size + after : INTACT;
    }

    /**
     * The first payload byte of a quarantined block that is not {@link #FREED}.
     *
     * @return its offset from the payload's start, or {@link #INTACT}
     */
    static long damageAfterFree(MemorySegment block, long front, long size) {
        long at = mismatch(block, front, size, FREEDS);
        return at >= 0 ? at : INTACT;
    }

    /** The offset in {@code [from, from + length)} of the first byte that differs from {@code pattern}, or -1. */
    private static long mismatch(MemorySegment segment, long from, long length, MemorySegment pattern) {
        for (long done = 0; done < length; done += pattern.byteSize()) {
            long n = Math.min(pattern.byteSize(), length - done);
            long at = MemorySegment.mismatch(segment, from + done, from + done + n, pattern, 0, n);
            if (at >= 0) {
                return done + at;
            }
        }
        return -1;
    }

    /** Describes an offset from {@link #damage}: where it lies relative to the payload. */
    static String where(long offset, long size) {
        if (offset < 0) {
            return "offset " + offset + " (" + -offset + " B before its start, in the guard before it)";
        }
        return "offset " + offset + " (" + (offset - size) + " B past its end, in the guard after it)";
    }
}
