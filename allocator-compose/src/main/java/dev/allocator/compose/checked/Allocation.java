package dev.allocator.compose.checked;

import dev.allocator.api.Checks;
import dev.allocator.api.Scopes;
import dev.allocator.api.Layout;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * One allocation of a {@link CheckedAllocator}: the block it got from its backing allocator, where the payload sits
 * in it ({@link GuardedBlock}), and what the caller was given.
 *
 * @param block  the block from the backing allocator, in the backing's scope
 * @param asked  the layout the block was allocated with (what goes back to the backing)
 * @param front  the payload's offset in the block (0 when unguarded)
 * @param layout the caller's layout
 * @param handed the segment the caller was given: the payload, in {@code arena}'s scope when scoped
 * @param arena  the allocation's own scope, closed when it is freed, or {@code null} when scopes are off
 * @param site   where it was allocated, or an empty array
 */
record Allocation(MemorySegment block, Layout asked, long front, Layout layout, MemorySegment handed, Arena arena,
                  StackTraceElement[] site) {

    /** Whether the block has guards around the payload. */
    boolean guarded() {
        return asked.size() != layout.size();
    }

    /** The payload's address: what the caller's segment starts at. */
    long address() {
        return handed.address();
    }

    /** {@code "0x7f.. of 64 B aligned 8 allocated at Class.method(File.java:12)"}, for messages. */
    String describe() {
        return Checks.hex(address()) + " of " + layout + (site.length == 0 ? "" : " allocated at " + site[0]);
    }

    /** Closes the caller's scope unless it is closed already; rethrows when a native call holds it. */
    void closeScope() {
        Scopes.closeIfAlive(arena);
    }

    /**
     * An overrun found on free or close, or {@code null}; repairs the guards it reports.
     *
     * @param allocator the reporter, turned into text only when there is something to report
     */
    String overrun(Object allocator) {
        long at = guarded() ? GuardedBlock.damage(block, front, layout.size()) : GuardedBlock.INTACT;
        if (at == GuardedBlock.INTACT) {
            return null;
        }
        GuardedBlock.writeGuards(block, front, layout.size());
        return allocator + ": overrun of the allocation at " + describe() + ": its guard was overwritten at "
                + GuardedBlock.where(at, layout.size());
    }

    /** Fills the payload with {@link GuardedBlock#FREED} for its time in quarantine. */
    void poison() {
        block.asSlice(front, layout.size()).fill(GuardedBlock.FREED);
    }

    /** A write after free found when the block leaves quarantine, or {@code null}. */
    String writtenAfterFree(Object allocator) {
        long at = GuardedBlock.damageAfterFree(block, front, layout.size());
        String overrun = overrun(allocator);
        if (at == GuardedBlock.INTACT) {
            return overrun;
        }
        return allocator + ": write after free: the allocation at " + describe() + " was freed, then written at offset "
                + at + " while in quarantine" + (overrun == null ? "" : "; and " + overrun);
    }
}
