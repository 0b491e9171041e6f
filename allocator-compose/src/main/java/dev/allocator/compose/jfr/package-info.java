/**
 * JDK Flight Recorder events of the composed allocators, in the category "Allocator": allocation failures, budget
 * refusals and leaks. JFR and JDK Mission Control see them with no extra dependency.
 */
package dev.allocator.compose.jfr;
