package dev.allocator.netty;

import io.netty.buffer.AbstractByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ResourceLeakDetector;

import java.lang.reflect.Field;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * What Netty's buffer leak detector reported in this JVM: a listener on its detector (a package-private static of
 * {@code AbstractByteBuf}, reached by reflection: the tests run on the class path).
 */
final class LeakWatch {

    private static final ConcurrentLinkedQueue<String> REPORTS = new ConcurrentLinkedQueue<>();

    static {
        try {
            Field field = AbstractByteBuf.class.getDeclaredField("leakDetector");
            field.setAccessible(true);
            ((ResourceLeakDetector<?>) field.get(null)).setLeakListener((type, records) -> REPORTS.add(type + records));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private LeakWatch() {
    }

    /**
     * Netty reports a leak when it next tracks a buffer after the leaked one was collected: collect, then track a
     * few buffers from {@code probe} (the paranoid level tracks every one), and return what was reported so far.
     */
    static List<String> collect(ByteBufAllocator probe) throws InterruptedException {
        for (int round = 0; round < 5; round++) {
            System.gc();
            Thread.sleep(20);
            probe.directBuffer(16).release();
        }
        return List.copyOf(REPORTS);
    }

    /** Forgets the reports so far. */
    static void clear() {
        REPORTS.clear();
    }
}
