/**
 * The runnable demo the README starts. It runs on the module path, so it also shows that providers are found through
 * {@code provides} clauses with no {@code META-INF/services} involved.
 */
module dev.allocator.docs {
    requires dev.allocator.api;
}
