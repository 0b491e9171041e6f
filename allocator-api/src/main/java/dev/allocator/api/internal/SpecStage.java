package dev.allocator.api.internal;

import java.util.Map;

/**
 * One stage of a parsed spec: {@code pool(blockSize=64, capacity=4096)}.
 *
 * @param name          the provider's name
 * @param column        the 1-based column of the name
 * @param options       the options as written
 * @param optionColumns the 1-based column of each option's name
 */
public record SpecStage(String name, int column, Map<String, String> options, Map<String, Integer> optionColumns)
        implements SpecNode {
}
