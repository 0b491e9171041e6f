package dev.allocator.compose.sizeclasses;

import org.junit.jupiter.api.Test;

import java.util.BitSet;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Where {@link ClassSlab#at} puts the blocks' layout words. */
class ClassSlabWordsTest {

    @Test
    void shouldGiveEveryBlockAWordOfItsOwnBetweenThePads() {
        final int blocks = 16_384 + 7;
        final int length = ClassSlab.words(blocks);
        final BitSet used = new BitSet(length);
        for (int i = 0; i < blocks; i++) {
            final int at = ClassSlab.at(i);
            assertTrue(at >= ClassSlab.PAD && at < length - ClassSlab.PAD, "block " + i + " at " + at + " of " + length);
            assertFalse(used.get(at), "block " + i + " shares word " + at);
            used.set(at);
        }
    }

    @Test
    void shouldPutTheWordsOfNeighboursAndOfRunEndsOnDifferentLines() {
        for (int i = 0; i < 4096; i++) {
            for (int apart : new int[] {1, 2, 8, 16, 32}) {
                final int j = i + apart;
                // at least 8 words (64 bytes) apart: on different lines wherever the array starts
                assertTrue(Math.abs(ClassSlab.at(i) - ClassSlab.at(j)) >= 8,
                        "blocks " + i + " and " + j + " may share a line of words");
            }
        }
    }
}
