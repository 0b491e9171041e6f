/**
 * The {@code secure} provider: {@link dev.allocator.secure.SecureAllocator}, memory for secrets with guard pages,
 * {@code mlock}, no core dumps, a canary, access toggles and a wipe on free; its layout is drawn in
 * {@code SecureBlockDescriptor}. Built on the page machinery of {@code dev.allocator.pages}.
 *
 * <p>Conventions: as {@link dev.allocator.pages}. A corrupted canary is a {@link
 * dev.allocator.secure.CorruptedCanaryException}; every other error follows {@link dev.allocator.api.Checks}.
 */
package dev.allocator.secure;
