package dev.allocator.bench;

import dev.allocator.api.Allocator;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;

/**
 * Finds the public no-argument {@code reset()} of whatever class the {@code arena} provider returns.
 *
 * <p>The benchmarks open the arena through {@code Allocators.open} and the {@link Allocator} interface, which has no
 * {@code reset()}; the arena's public type has one. Looking it up reflectively keeps this module compiling against
 * the API alone. The handle is called once per {@code chunkSize / size / 2} allocations, so its cost is amortised away.
 */
public final class ArenaReset {

    private ArenaReset() {
    }

    /**
     * Returns a handle of type {@code (Allocator)void} that calls {@code reset()} on the given allocator's class.
     *
     * @param arena an allocator opened by the {@code arena} provider
     * @return the handle
     * @throws IllegalArgumentException if the class has no public {@code reset()}
     */
    public static MethodHandle of(Allocator arena) {
        for (Class<?> type = arena.getClass(); type != null; type = type.getSuperclass()) {
            try {
                Method reset = type.getMethod("reset");
                if (Modifier.isPublic(reset.getDeclaringClass().getModifiers())) {
                    return MethodHandles.publicLookup().unreflect(reset)
                            .asType(MethodType.methodType(void.class, Allocator.class));
                }
            } catch (NoSuchMethodException | IllegalAccessException e) {
                // try the superclass, then give up below
            }
        }
        throw new IllegalArgumentException("the arena allocator " + arena.getClass().getName()
                + " has no public reset() method");
    }
}
