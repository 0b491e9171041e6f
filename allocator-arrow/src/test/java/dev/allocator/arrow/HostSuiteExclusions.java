package dev.allocator.arrow;

import org.junit.platform.engine.FilterResult;
import org.junit.platform.engine.TestDescriptor;
import org.junit.platform.engine.TestSource;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.PostDiscoveryFilter;

import java.util.Map;

/**
 * The tests of Arrow's own suites this build does not run, each with the reason (registered through
 * {@code META-INF/services}, since Surefire's excludes take no method names). Neither is about allocation.
 */
public final class HostSuiteExclusions implements PostDiscoveryFilter {

    /** Test class, or class#method, to the reason it is left out. */
    static final Map<String, String> EXCLUDED = Map.of(
            "org.apache.arrow.memory.TestOpens",
            "checks that Arrow fails without --add-opens=java.base/java.nio, which Arrow needs everywhere else",
            "org.apache.arrow.vector.ipc.TestJSONFile#testSetStructLength",
            "reads a resource as a file path, which does not exist inside the tests jar");

    /** Called by the JUnit Platform's service loader. */
    public HostSuiteExclusions() {
    }

    @Override
    public FilterResult apply(TestDescriptor descriptor) {
        TestSource source = descriptor.getSource().orElse(null);
        String reason = switch (source) {
            case MethodSource method -> EXCLUDED.getOrDefault(method.getClassName() + "#" + method.getMethodName(),
                    EXCLUDED.get(method.getClassName()));
            case ClassSource type -> EXCLUDED.get(type.getClassName());
            case null, default -> null;
        };
        return reason == null ? FilterResult.included(null) : FilterResult.excluded(reason);
    }
}
