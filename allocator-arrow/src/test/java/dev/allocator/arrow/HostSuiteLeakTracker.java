package dev.allocator.arrow;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Notes, per test, the blocks it left in use in {@link HostSuiteAllocator} (live allocations after the test minus
 * before), so that {@link HostSuitesLeakTest} can compare them with the known leaks of Arrow's tests. Registered
 * through {@code META-INF/services}; it observes and never fails a test itself.
 */
public final class HostSuiteLeakTracker implements TestExecutionListener {

    private static final Map<String, Long> LEFT_IN_USE = new ConcurrentSkipListMap<>();
    private final Map<String, Long> before = new ConcurrentHashMap<>();

    /** Called by the JUnit Platform's service loader. */
    public HostSuiteLeakTracker() {
    }

    /** The tests ({@code class#method}) that left blocks in use, with how many. */
    static Map<String, Long> leftInUse() {
        return Map.copyOf(LEFT_IN_USE);
    }

    @Override
    public void executionStarted(TestIdentifier id) {
        testName(id).ifPresent(name -> before.put(name, live()));
    }

    @Override
    public void executionFinished(TestIdentifier id, TestExecutionResult result) {
        testName(id).ifPresent(name -> {
            Long start = before.remove(name);
            long left = start == null ? 0 : live() - start;
            if (left != 0) {
                LEFT_IN_USE.merge(name, left, Long::sum);
            }
        });
    }

    private static Optional<String> testName(TestIdentifier id) {
        return id.getSource().filter(MethodSource.class::isInstance).map(MethodSource.class::cast)
                .map(m -> m.getClassName() + "#" + m.getMethodName());
    }

    private static long live() {
        return HostSuiteAllocator.allocator().stats().liveAllocations();
    }
}
