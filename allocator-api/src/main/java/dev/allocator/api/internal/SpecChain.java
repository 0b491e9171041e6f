package dev.allocator.api.internal;

import java.util.List;

/**
 * Nodes joined by {@code >}, top first: each is built over the one after it.
 *
 * @param parts  two or more nodes
 * @param column the 1-based column of the first
 */
public record SpecChain(List<SpecNode> parts, int column) implements SpecNode {
}
