package dev.allocator.arena;

import dev.allocator.api.Layout;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.IntUnaryOperator;

/**
 * Drives an arena through a sequence of operations chosen by {@code choices} (a seeded random generator, or Jazzer's
 * input) and checks it after each against a model: every live segment keeps its contents and its scope, no two live
 * segments overlap, every ended segment is dead, stale marks are refused, and the counters agree.
 */
final class ArenaModel {

    private record Live(MemorySegment segment, Layout layout, int depth, byte tag) {
    }

    /** Largest allocation the model makes. */
    private static final int MAX_SIZE = 5000;
    /** PATTERNS[tag]: MAX_SIZE bytes of {@code tag}, to compare contents in one call. */
    private static final MemorySegment[] PATTERNS = new MemorySegment[256];

    static {
        for (int tag = 0; tag < 256; tag++) {
            PATTERNS[tag] = MemorySegment.ofArray(new byte[MAX_SIZE]).fill((byte) tag);
        }
    }

    private final IntUnaryOperator choices;
    private final TestBacking backing = new TestBacking();
    private final BumpArena arena;
    private final boolean wipe;
    private final List<Live> live = new ArrayList<>();
    private final List<Live> ended = new ArrayList<>();
    private final List<BumpArena.Mark> marks = new ArrayList<>();
    private final List<BumpArena.Mark> staleMarks = new ArrayList<>();
    private final StringBuilder trace = new StringBuilder();
    private int nextTag = 1;

    /** @param choices returns a number in {@code [0, bound)} for each bound asked */
    ArenaModel(IntUnaryOperator choices) {
        this.choices = choices;
        Flavour flavour = Flavour.values()[choices.applyAsInt(2)];
        long chunkSize = 64L << choices.applyAsInt(5);
        this.wipe = choices.applyAsInt(2) == 1;
        ArenaOptions options = ArenaOptions.defaults().withChunkSize(chunkSize).withKeepChunks(choices.applyAsInt(3))
                .withWipe(wipe ? Wipe.ALWAYS : Wipe.NONE);
        this.arena = flavour.open(backing, options);
        trace.append(flavour).append(' ').append(options).append('\n');
    }

    /** Runs {@code steps} operations, then closes the arena and checks what went back. */
    void run(int steps) {
        try {
            for (int i = 0; i < steps; i++) {
                step();
                check();
            }
            arena.close();
            for (Live entry : live) {
                assertDead(entry);
            }
            check(backing.liveBlocks() == 0, "chunks still held by the backing after close");
            check(!wipe || backing.dirtyReturns().isEmpty(), "wipe=always but " + backing.dirtyReturns());
        } catch (RuntimeException | AssertionError e) {
            throw new AssertionError("model check failed; operations so far:\n" + tail(), e);
        } finally {
            arena.close();
            backing.release();
        }
    }

    private String tail() {
        int from = Math.max(0, trace.length() - 4000);
        return trace.substring(from);
    }

    private void step() {
        int op = choices.applyAsInt(20);
        if (op < 11) {
            allocate();
        } else if (op < 14) {
            deallocate();
        } else if (op < 16) {
            marks.add(arena.mark());
            trace.append("mark -> depth ").append(marks.size()).append('\n');
        } else if (op < 18) {
            rewind();
        } else if (op < 19) {
            trace.append("reset\n");
            arena.reset();
            staleMarks.addAll(marks);
            marks.clear();
            endWhere(0);
        } else {
            rewindStale();
        }
    }

    private void allocate() {
        long size = choices.applyAsInt(8) == 0 ? choices.applyAsInt(MAX_SIZE) : choices.applyAsInt(300);
        long alignment = 1L << choices.applyAsInt(10);
        Layout layout = Layout.of(size, alignment);
        trace.append("allocate ").append(layout).append('\n');
        MemorySegment segment = arena.allocate(layout);
        check(segment.byteSize() == size, "size " + segment.byteSize() + " for " + layout);
        check(segment.address() % alignment == 0, "address " + segment.address() + " for " + layout);
        check(segment.scope().equals(arena.scope()), "segment not in the current scope");
        byte tag = (byte) nextTag++;
        segment.fill(tag);
        live.add(new Live(segment, layout, marks.size(), tag));
    }

    private void deallocate() {
        if (live.isEmpty()) {
            return;
        }
        int index = choices.applyAsInt(2) == 0 ? live.size() - 1 : choices.applyAsInt(live.size());
        Live entry = live.remove(index);
        trace.append("deallocate #").append(index).append(' ').append(entry.layout()).append('\n');
        arena.deallocate(entry.segment(), entry.layout());
    }

    private void rewind() {
        if (marks.isEmpty()) {
            return;
        }
        int index = choices.applyAsInt(marks.size());
        trace.append("rewind to depth ").append(index + 1).append('\n');
        arena.rewind(marks.get(index));
        while (marks.size() > index + 1) {
            staleMarks.add(marks.removeLast());
        }
        endWhere(index + 1);
    }

    private void rewindStale() {
        if (staleMarks.isEmpty()) {
            return;
        }
        BumpArena.Mark stale = staleMarks.get(choices.applyAsInt(staleMarks.size()));
        trace.append("rewind to a stale mark\n");
        try {
            arena.rewind(stale);
            throw new AssertionError("a stale mark was accepted: " + stale);
        } catch (IllegalArgumentException expected) {
            check(expected.getMessage().contains(stale.toString()), expected.getMessage());
        }
    }

    /** Every live segment allocated at a depth >= {@code depth} has ended. */
    private void endWhere(int depth) {
        for (int i = live.size() - 1; i >= 0; i--) {
            if (live.get(i).depth() >= depth) {
                Live entry = live.remove(i);
                assertDead(entry);
                if (ended.size() < 64) {
                    ended.add(entry);
                }
            }
        }
    }

    private void assertDead(Live entry) {
        check(!entry.segment().scope().isAlive(), "an ended segment is still alive: " + entry.segment());
        try {
            entry.segment().get(ValueLayout.JAVA_BYTE, 0);
            check(entry.segment().byteSize() == 0, "an ended segment could be read: " + entry.segment());
        } catch (IllegalStateException | IndexOutOfBoundsException expected) {
            // dead, as it must be (a zero-length segment has nothing to read)
        }
    }

    private void check() {
        List<Live> byAddress = new ArrayList<>(live);
        byAddress.sort(Comparator.comparingLong(e -> e.segment().address()));
        long bytes = 0;
        for (int i = 0; i < byAddress.size(); i++) {
            Live entry = byAddress.get(i);
            MemorySegment segment = entry.segment();
            check(segment.scope().isAlive(), "a live segment's scope ended: " + segment);
            if (i > 0) {
                MemorySegment previous = byAddress.get(i - 1).segment();
                check(previous.address() + previous.byteSize() <= segment.address() || segment.byteSize() == 0
                        || previous.byteSize() == 0, "overlap: " + previous + " and " + segment);
            }
            long lost = MemorySegment.mismatch(segment, 0, segment.byteSize(), PATTERNS[entry.tag() & 0xFF], 0,
                    segment.byteSize());
            check(lost < 0, "segment " + segment + " lost its contents at " + lost);
            bytes += segment.byteSize();
        }
        for (Live entry : ended) {
            check(!entry.segment().scope().isAlive(), "an ended segment came back to life");
        }
        ArenaStats stats = arena.arenaStats();
        check(stats.liveAllocations() == live.size(), "live allocations " + stats + " vs model " + live.size());
        check(stats.bytesInUse() == bytes, "bytes in use " + stats + " vs model " + bytes);
        check(stats.chunksHeld() == backing.liveBlocks(), "chunks held " + stats + " vs backing "
                + backing.liveBlocks());
    }

    private static void check(boolean condition, String message) {
        if (!condition) {
            throw new AssertionError(message);
        }
    }
}
