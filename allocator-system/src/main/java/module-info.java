/**
 * The system backend: {@code malloc}, {@code aligned_alloc}, {@code calloc} and {@code free} called through the FFM
 * {@link java.lang.foreign.Linker}. Provider name {@code system}.
 *
 * <p>Calling native functions is a restricted operation: run with
 * {@code --enable-native-access=dev.allocator.system} on the module path, or
 * {@code --enable-native-access=ALL-UNNAMED} on the class path (an executable jar can say
 * {@code Enable-Native-Access: ALL-UNNAMED} in its manifest). Without it, JDK 25 prints a warning on first use and a
 * later JDK will refuse.
 */
module dev.allocator.system {
    requires dev.allocator.api;

    exports dev.allocator.system;

    provides dev.allocator.api.AllocatorProvider with dev.allocator.system.SystemAllocatorProvider;
}
