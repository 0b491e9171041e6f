package dev.allocator.bench.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RatiosTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "5    | 15   | true  | 3.00× faster",
            "15   | 5    | true  | 3.00× slower",
            "10   | 10   | true  | same",
            "200  | 100  | false | 2.00× faster",
            "1    | 250  | true  | 250× faster",
            "1    | 12.5 | true  | 12.5× faster"})
    void shouldSayHowManyTimesFasterOursIs(double ours, double peer, boolean lowerIsBetter, String expected) {
        assertEquals(expected, Ratios.words(Ratios.advantage(ours, peer, lowerIsBetter)));
    }

    @Test
    void shouldSayNotApplicableForZeroOrNaN() {
        assertEquals("n/a", Ratios.words(Double.NaN));
        assertEquals("n/a", Ratios.words(0));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"3.14159 | 3.14", "45.123 | 45.1", "1234.6 | 1235", "0 | 0.00",
            "0.00012345 | < 0.01"})
    void shouldPrintAboutThreeSignificantDigits(double value, String expected) {
        assertEquals(expected, Ratios.number(value));
    }

    @Test
    void shouldPrintDashForNaN() {
        assertEquals("—", Ratios.number(Double.NaN));
    }
}
