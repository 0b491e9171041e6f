package dev.allocator.arena;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The current chunk of a {@link SharedBumpArena} as one level's scope sees it, with the bump state every allocating
 * thread compare-and-sets. A region is replaced, never moved back: a new chunk, a mark, a rewind or a reset installs a
 * new region after sealing the old one, so a thread still holding the old one fails its next CAS and retries.
 *
 * <p>The state is one {@code long}: the bump offset {@code top} in its high {@code 64 - LATEST_BITS} bits (chunks are
 * at most 2^40 bytes, so {@code top <= 2^40 + 1} fits), and in its low bits the size of the latest allocation, which
 * is {@code [top - latest, top)}, or {@link #UNKNOWN} (none since the region began or the last roll-back, or one too
 * large to record). One CAS moves both, so deallocate sees the latest allocation exactly, whatever other threads do.
 * The state is padded on both sides (see the package documentation).
 */
final class SharedRegion extends SharedRegionTopPad {

    /** How many low bits of the state hold the latest allocation's size. */
    static final int LATEST_BITS = 23;
    /** The latest allocation is not known. */
    static final long UNKNOWN = (1L << LATEST_BITS) - 1;

    /** The chunk; {@code null} for a region that has none (before the first allocation, after close). */
    final Chunk chunk;
    /** The chunk through the level's scope. */
    final MemorySegment view;
    /** The chunk's address. */
    final long base;
    /** The chunk's size; -1 when there is no chunk. */
    final long limit;
    /** The level whose scope {@link #view} belongs to. */
    final Level level;
    /**
     * The level's tally when this region was made: a bump that wins its CAS just before a rewind renews the level
     * counts into the tally of the scope its segment belongs to, which the rewind has ended, not into the new one.
     */
    final Tally tally;

    SharedRegion(Chunk chunk, Level level, long top) {
        this.chunk = chunk;
        this.level = level;
        this.tally = level.tally;
        if (chunk == null) {
            this.view = null;
            this.base = 0;
            this.limit = -1;
        } else {
            this.view = ChunkLedger.view(chunk, level);
            this.base = chunk.base;
            this.limit = chunk.size;
        }
        STATE.setRelease(this, state(top, UNKNOWN));
    }

    /** The state for a bump offset and the latest allocation's size (recorded as {@link #UNKNOWN} when too large). */
    static long state(long top, long latest) {
        return top << LATEST_BITS | Math.min(latest, UNKNOWN);
    }

    static long top(long state) {
        return state >>> LATEST_BITS;
    }

    static long latest(long state) {
        return state & UNKNOWN;
    }

    long state() {
        return (long) STATE.getAcquire(this);
    }

    /** The linearization point of an allocation, and of a roll-back by deallocate. */
    boolean casState(long expected, long next) {
        return STATE.compareAndSet(this, expected, next);
    }

    /**
     * Stops all further bumps: sets {@code top} past the limit, so every request fails the fit test.
     *
     * @return the offset reached before sealing: the extent of this region's allocations
     */
    long seal() {
        for (;;) {
            long current = state();
            long top = top(current);
            if (top > limit) {
                return top == limit + 1 ? Math.max(limit, 0) : top;
            }
            if (casState(current, state(limit + 1, UNKNOWN))) {
                return top;
            }
        }
    }
}

/** 128 bytes of padding before {@code state}. */
abstract class SharedRegionPrePad {
    byte p000, p001, p002, p003, p004, p005, p006, p007, p010, p011, p012, p013, p014, p015, p016, p017;
    byte p020, p021, p022, p023, p024, p025, p026, p027, p030, p031, p032, p033, p034, p035, p036, p037;
    byte p040, p041, p042, p043, p044, p045, p046, p047, p050, p051, p052, p053, p054, p055, p056, p057;
    byte p060, p061, p062, p063, p064, p065, p066, p067, p070, p071, p072, p073, p074, p075, p076, p077;
    byte p100, p101, p102, p103, p104, p105, p106, p107, p110, p111, p112, p113, p114, p115, p116, p117;
    byte p120, p121, p122, p123, p124, p125, p126, p127, p130, p131, p132, p133, p134, p135, p136, p137;
    byte p140, p141, p142, p143, p144, p145, p146, p147, p150, p151, p152, p153, p154, p155, p156, p157;
    byte p160, p161, p162, p163, p164, p165, p166, p167, p170, p171, p172, p173, p174, p175, p176, p177;
}

/** The hot field: the bump state, written by CAS only. */
abstract class SharedRegionTop extends SharedRegionPrePad {
    static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(SharedRegionTop.class, "state", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    volatile long state;
}

/** 128 bytes of padding after {@code state}, before the read-mostly fields of {@link SharedRegion}. */
abstract class SharedRegionTopPad extends SharedRegionTop {
    byte q000, q001, q002, q003, q004, q005, q006, q007, q010, q011, q012, q013, q014, q015, q016, q017;
    byte q020, q021, q022, q023, q024, q025, q026, q027, q030, q031, q032, q033, q034, q035, q036, q037;
    byte q040, q041, q042, q043, q044, q045, q046, q047, q050, q051, q052, q053, q054, q055, q056, q057;
    byte q060, q061, q062, q063, q064, q065, q066, q067, q070, q071, q072, q073, q074, q075, q076, q077;
    byte q100, q101, q102, q103, q104, q105, q106, q107, q110, q111, q112, q113, q114, q115, q116, q117;
    byte q120, q121, q122, q123, q124, q125, q126, q127, q130, q131, q132, q133, q134, q135, q136, q137;
    byte q140, q141, q142, q143, q144, q145, q146, q147, q150, q151, q152, q153, q154, q155, q156, q157;
    byte q160, q161, q162, q163, q164, q165, q166, q167, q170, q171, q172, q173, q174, q175, q176, q177;
}
