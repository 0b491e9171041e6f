/**
 * The {@code pages} provider: {@link dev.allocator.pages.PagesAllocator}, memory from {@code mmap} in whole pages,
 * with huge pages ({@link dev.allocator.pages.HugePages}), a NUMA node and populate as options
 * ({@link dev.allocator.pages.PagesAllocatorProvider}), and its {@link dev.allocator.pages.PageStats}.
 *
 * <p>Conventions: system calls go through the FFM {@code Linker} in {@code dev.allocator.pages.internal} (not
 * exported), addresses as {@code long}, {@code errno} captured per call and named in every message. Each allocation
 * is a mapping of its own with a scope of its own. Linux on x86-64 or AArch64 only. Run with
 * {@code --enable-native-access=dev.allocator.pages} (module path) or {@code --enable-native-access=ALL-UNNAMED}.
 */
package dev.allocator.pages;
