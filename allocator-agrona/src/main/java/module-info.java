/**
 * Agrona views: {@link dev.allocator.agrona.SegmentBuffer}, an Agrona {@code MutableDirectBuffer} over a
 * {@link java.lang.foreign.MemorySegment} (a pooled block), re-wrapped without garbage and checked against the
 * segment's scope, for Aeron and SBE code. Guide: {@code docs/agrona.md}.
 *
 * <p>The module needs no flag for its views of segments. {@code SegmentBuffer.wrap(long, int)} (a raw address) calls
 * a restricted method: run with {@code --enable-native-access=dev.allocator.agrona} to use it without a warning.
 */
module dev.allocator.agrona {
    requires dev.allocator.api;
    requires transitive org.agrona;

    exports dev.allocator.agrona;
}
