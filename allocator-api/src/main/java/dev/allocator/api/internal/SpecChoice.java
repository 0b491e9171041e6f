package dev.allocator.api.internal;

import java.util.List;

/**
 * Nodes joined by {@code |}: the first that can satisfy a request does (fallback).
 *
 * @param alternatives two or more nodes, in the order they are tried
 * @param column       the 1-based column of the first
 */
public record SpecChoice(List<SpecNode> alternatives, int column) implements SpecNode {
}
