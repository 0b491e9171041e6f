package dev.allocator.compose.internal;

import dev.allocator.api.Allocator;

import java.util.stream.Stream;

/**
 * Finds where an allocation was asked for: the frames of the current stack above the allocators, that is, from the
 * first frame whose class is not an {@link Allocator} (so wrappers, pools and third-party allocators are skipped
 * alike, whatever their package).
 */
public final class CallSites {

    private static final StackWalker WALKER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

    private CallSites() {
    }

    /**
     * The caller's frames.
     *
     * @param depth the most frames to keep
     * @return up to {@code depth} frames, innermost first
     */
    public static StackTraceElement[] capture(int depth) {
        return WALKER.walk(frames -> callerFrames(frames)
                .limit(depth)
                .map(StackWalker.StackFrame::toStackTraceElement)
                .toArray(StackTraceElement[]::new));
    }

    /**
     * The caller's innermost frame.
     *
     * @return {@code Class.method(File.java:line)}, or {@code "unknown"}
     */
    public static String innermost() {
        return WALKER.walk(frames -> callerFrames(frames)
                .findFirst()
                .map(frame -> frame.toStackTraceElement().toString())
                .orElse("unknown"));
    }

    private static Stream<StackWalker.StackFrame> callerFrames(Stream<StackWalker.StackFrame> frames) {
        return frames.dropWhile(frame -> frame.getDeclaringClass() == CallSites.class
                || Allocator.class.isAssignableFrom(frame.getDeclaringClass()));
    }
}
