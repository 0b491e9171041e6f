/**
 * Page-level allocators over {@code mmap} through the FFM {@link java.lang.foreign.Linker}: provider {@code pages}
 * ({@link dev.allocator.pages.PagesAllocator}: huge pages, NUMA node, populate) and provider {@code secure}
 * ({@link dev.allocator.secure.SecureAllocator}: guard pages, {@code mlock}, no core dumps, canaries, access toggles,
 * wipe on free) for secrets. Linux only.
 *
 * <p>Calling native functions is a restricted operation: run with
 * {@code --enable-native-access=dev.allocator.pages} on the module path, or {@code --enable-native-access=ALL-UNNAMED}
 * on the class path.
 */
module dev.allocator.pages {
    requires dev.allocator.api;

    exports dev.allocator.pages;
    exports dev.allocator.secure;

    provides dev.allocator.api.AllocatorProvider with dev.allocator.pages.PagesAllocatorProvider,
            dev.allocator.secure.SecureAllocatorProvider;
}
