package dev.allocator.tests.trust.checked;

import dev.allocator.api.Layout;
import dev.allocator.compose.ForwardingAllocator;
import dev.allocator.compose.checked.CheckedAllocator;
import dev.allocator.compose.checked.LeakPolicy;
import dev.allocator.system.SystemAllocator;
import dev.allocator.tests.support.ChildJvm;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Closing {@code checked > system} while another thread still writes to a segment it never freed: the writer gets
 * {@link IllegalStateException}, and checked gives the leaked block back only once the writer's segment is closed.
 * Runs in a child JVM: before the fix the writer hit unmapped memory.
 */
class CheckedCloseRaceTest {

    /**
     * {@code args[0]}: the leak policy, {@code args[1]}: the leaked block's size. Exits 0 when the writer got
     * {@link IllegalStateException} and the block went back to system only after the writer's segment was closed.
     */
    public static final class WriterWhileClosing {

        static volatile MemorySegment leaked;
        static final AtomicBoolean givenBackWhileReachable = new AtomicBoolean();

        public static void main(String[] args) throws Exception {
            LeakPolicy policy = LeakPolicy.valueOf(args[0]);
            Layout layout = Layout.of(Long.parseLong(args[1]), 8);
            ForwardingAllocator probe = new ForwardingAllocator("probe", new SystemAllocator(), true) {
                @Override
                public void deallocate(MemorySegment segment, Layout given) {
                    MemorySegment writerSees = leaked;
                    if (writerSees != null && writerSees.scope().isAlive()
                            && writerSees.address() >= segment.address()
                            && writerSees.address() < segment.address() + segment.byteSize()) {
                        givenBackWhileReachable.set(true);
                    }
                    super.deallocate(segment, given);
                }
            };
            CheckedAllocator checked = new CheckedAllocator(probe, policy, false, true);
            leaked = checked.allocate(layout);
            AtomicReference<Throwable> writerEnded = new AtomicReference<>();
            CountDownLatch writing = new CountDownLatch(1000);
            Thread writer = Thread.ofPlatform().start(() -> {
                try {
                    for (long i = 0; ; i++) {
                        leaked.set(ValueLayout.JAVA_LONG, (i * 8) % layout.size(), i);
                        writing.countDown();
                    }
                } catch (Throwable t) {
                    writerEnded.set(t);
                }
            });
            writing.await();
            try {
                checked.close();
            } catch (IllegalStateException leakReport) {
                System.out.println("close reported: " + leakReport.getMessage());
            }
            writer.join(60_000);
            System.out.println("writer ended with " + writerEnded.get());
            System.out.println("given back while the writer's segment was open: " + givenBackWhileReachable.get());
            boolean ok = writerEnded.get() instanceof IllegalStateException && !givenBackWhileReachable.get();
            System.exit(ok ? 0 : 3);
        }
    }

    @ParameterizedTest
    @CsvSource({"LOG, 64", "THROW, 64", "FREE, 64", "LOG, 67108864", "THROW, 67108864", "FREE, 67108864"})
    void shouldStopTheWriterBeforeFreeingWhatItWrites(String policy, long size) {
        ChildJvm.Ended ended = ChildJvm.run(WriterWhileClosing.class, Duration.ofSeconds(120), policy,
                String.valueOf(size));
        assertFalse(ended.crashed(), ended::toString);
        assertEquals(0, ended.exitCode(), ended::toString);
    }
}
